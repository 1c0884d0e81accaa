"""Files users upload: refused by size before they are read, and released as soon as they are read."""

from __future__ import annotations

from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from mlp import Config
from mlp.data import MAX_FILE_BYTES, DataError


def read_upload(file: UploadedFile, what: str, hint: str) -> str:
    """The UTF-8 text of ``file``; DataError names ``what`` and ends with ``hint`` otherwise.

    Streamlit keeps an upload's bytes in the server's memory for as long as the session lives, even
    once no widget shows it; every upload is read once, so it is released here, read or refused.
    """
    try:
        if file.size > MAX_FILE_BYTES:
            limit = f"at most {MAX_FILE_BYTES // 1_000_000} MB are allowed"
            raise DataError(what, f"the file is {file.size / 1e6:.1f} MB; {limit}.")
        try:
            return file.getvalue().decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(what, f"the file is not UTF-8 text; {hint}.") from None
    finally:
        release(file)


def release(file: UploadedFile) -> None:
    """Drop ``file``'s bytes from the server's store of uploads (the browser still shows its name)."""
    ctx = get_script_run_ctx()
    remove = getattr(ctx.uploaded_file_mgr, "remove_file", None) if ctx else None  # the in-memory store has it
    if remove is not None:
        remove(session_id=ctx.session_id, file_id=file.file_id)


def config_from_upload(file: UploadedFile) -> Config:
    """The configuration in an uploaded run (or bare configuration) file: ``Config.from_json``'s checks."""
    text = read_upload(file, "run file", "upload a run saved by Backprop Lab ('Run as JSON')")
    return Config.from_json(text, source="run file")
