"""lab.diagnosis: the page's words about real runs, all of them from the runs' findings."""

import pytest

import mlp
from lab import lesson
from lab.diagnosis import acts_as, diagnose, headline, products_sentence, rerun_sentence, status_sentence
from mlp.cli import summary


@pytest.fixture(scope="module")
def said():
    """Each case's run, its findings and its headline."""
    cases = {
        "question": mlp.Config(),
        "longer": lesson.LONGER,
        "fast clones": lesson.FAST_CLONES,
        "xor clones": lesson.XOR_CLONES,
        "noise 1e-9": mlp.Config(noise=1e-9),
        "normal": mlp.Config(init="normal", iterations=3000),
    }
    out = {}
    for name, config in cases.items():
        run = mlp.train(config)
        found = mlp.findings(run)
        out[name] = (run, found, headline(run, found))
    return out


def finding(found, code):
    return next(f for f in found if f.code == code)


def test_the_questions_headline_names_both_causes_apart(said):
    run, found, text = said["question"]
    plateau = finding(found, "plateau")
    assert text.startswith("**Capacity.** Hidden neurons are clones: this 2-3-3-2 network computes only what a 2-1-1-2")
    assert "stay equal for ever" in text
    assert (
        "**Speed.** The outputs sit on a plateau at the targets' column means (the best constant answer) from "
        f"iteration {plateau.since:,} to 1,000, because the start saturates a²: slow, which is not the same as "
        "unable."
    ) in text
    assert text.endswith("It has not fitted its targets after 1,000 iterations.")


def test_clones_that_fit_fast_are_a_capacity_limit_without_a_speed_problem(said):
    run, found, text = said["fast clones"]
    assert "**Capacity.**" in text and "**Speed.**" not in text
    assert text.endswith(f"It fits its targets by iteration {finding(found, 'fitted').since:,}.")


def test_xor_clones_stall_and_the_stall_is_not_blamed_on_saturation(said):
    run, found, text = said["xor clones"]
    plateau = finding(found, "plateau")
    assert "2-4-1 network computes only what a 2-1-1 network can" in text
    assert "**Speed.**" not in text  # the output saturates at iteration 0 only, long before the stall
    assert f"The cost stalls at {plateau.evidence['cost_low']:.4g} from iteration {plateau.since:,}" in text
    assert run.final_loss == pytest.approx(0.667, abs=0.001)  # the best one hidden neuron can do


def test_nearly_clones_are_never_said_to_stay_equal_for_ever(said):
    run, found, text = said["noise 1e-9"]
    codes = {f.code for f in found}
    assert codes >= {"near_clones", "saturated", "plateau"} and "clones" not in codes
    assert "Hidden neurons are nearly clones: they differ so little that this 2-3-3-2 network computes what a " in text
    assert "for ever" not in text


def test_a_random_start_that_fits_has_no_headline(said):
    run, found, text = said["normal"]
    assert [f.code for f in found] == ["fitted"] and text is None


def test_headline_figures_are_the_findings(said):
    run, found, text = said["longer"]
    assert f"to {finding(found, 'plateau').until:,}" in text
    assert text.endswith(f"It fits its targets by iteration {finding(found, 'fitted').since:,}.")


@pytest.mark.parametrize("name", ["question", "longer", "fast clones", "xor clones", "noise 1e-9", "normal"])
def test_the_page_and_the_cli_say_the_same_sentences(said, name):
    run, found, text = said[name]
    assert diagnose(found) == [f.sentence for f in found]
    report = summary(run)
    for sentence in diagnose(found):
        assert sentence in report
    for words in (*diagnose(found), text or ""):
        assert "break" not in words.lower()  # noise does not "break the symmetry": see DESIGN.md


def test_acts_as_merges_each_layers_clones(said):
    run, found, _ = said["question"]
    assert acts_as(run, found) == (2, 1, 1, 2)
    run, found, _ = said["normal"]
    assert acts_as(run, found) == (2, 3, 3, 2)


def test_status_sentence(default_run):
    assert status_sentence(default_run) == "Finished 1,000 iterations; final cost 0.4002 (sse)."
    diverged = mlp.train(mlp.Config(lr=500.0, activation="linear", output_activation="linear", iterations=50))
    assert diverged.status == "diverged"
    assert status_sentence(diverged) == (
        f"Training diverged at iteration {diverged.diverged_at:,} (the cost became infinite or NaN); "
        "the figures stop there."
    )


def test_products_sentences_say_how_far_a_run_summed_by_blas_ends():
    question = mlp.Config(products="in_order")  # every weight 1: both ways end on the same bits
    run, blas = mlp.train(question), mlp.train(question.replace(products="blas"))
    assert products_sentence(blas) is None
    assert products_sentence(run).startswith("Products summed term by term, in order, as a sweep sums them")
    assert (
        rerun_sentence(run, blas) == f"Summed by BLAS it ends at the same cost, {run.final_loss:.6g}, to the last bit."
    )
    random = question.replace(init="normal", seed=3)
    run, blas = mlp.train(random), mlp.train(random.replace(products="blas"))
    apart = abs(blas.final_loss - run.final_loss) / max(run.final_loss, blas.final_loss)
    assert 0 < apart <= 1e-12  # rounding: this run is not chaotic
    assert rerun_sentence(run, blas) == (
        f"Summed by BLAS it ends at cost {blas.final_loss:.17g} against {run.final_loss:.17g} here: {apart:.1e} "
        "apart, the size of rounding."
    )
    # The chaotic run of the sweep over XOR 2-4-1 tanh at learning rate 5: the cell said 0.9346, BLAS 0.000576.
    chaotic = mlp.Config(
        data="xor", layers=(2, 4, 1), activation="tanh", init="normal", init_scale=0.5, lr=5, seed=1, iterations=300
    )
    run, blas = mlp.train(chaotic.replace(products="in_order")), mlp.train(chaotic)
    assert round(run.final_loss, 4) == 0.9346 and round(blas.final_loss, 6) == 0.000576
    assert rerun_sentence(run, blas).endswith(
        ": 1 apart; the last digits' difference grew over the iterations, as it does in chaotic training."
    )
