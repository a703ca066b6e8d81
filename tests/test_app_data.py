"""Data losses in the app: the data beside the loss, batch sizes, CSV uploads."""

from fixtures.csvs import BAD

from .conftest import chart_spec, csv_uploader, fresh, no_exception


def app_on(surface):
    at = fresh()
    at.selectbox(key="surface").set_value(surface).run()
    return at


def data_points(at):
    return next(d for d in chart_spec(at)["data"] if d["name"].startswith("data ("))


def test_app_shows_data_beside_the_loss_and_compares_batch_sizes():
    at = app_on("linreg")
    no_exception(at)
    assert at.multiselect(key="batch_sizes").value == [1, 50]
    spec = chart_spec(at)
    names = [d["name"] for d in spec["data"]]
    assert (
        "SGD (batch 1)" in names and "full batch" in names
    )  # same optimizer and lr: the batch tells them apart
    assert "xaxis2" in spec["layout"] and len(data_points(at)["x"]) == 50
    assert any(
        sh.get("xref") == "x2" for sh in spec["frames"][5]["layout"]["shapes"]
    )  # the fitted lines move
    at.number_input(key="data_n").set_value(80).run()
    no_exception(at)
    assert len(data_points(at)["x"]) == 80 and at.multiselect(key="batch_sizes").value == [1, 80]
    at.radio(key="history_x").set_value("epoch").run()
    no_exception(at)


def test_app_csv_upload_and_bad_files_keep_the_previous_data():
    at = app_on("logreg")
    csv_uploader(at).set_value(("good.csv", b"x,y\n-2,0\n-1,0\n0,1\n1,1\n2,1\n", "text/csv")).run()
    no_exception(at)
    assert data_points(at)["x"] == [-2, -1, 0, 1, 2]
    for content, message in [BAD["labels"], BAD["non-numeric"], BAD["one row"], BAD["missing column"]]:
        csv_uploader(at).set_value(("bad.csv", content, "text/csv")).run()
        no_exception(at)
        notes = [w.value.replace("`", "") for w in at.warning]  # markdown code spans around user data
        expected = message.split(";")[0].replace("`", "")
        assert any(expected in n and "previous data stays in use" in n for n in notes), notes
        assert data_points(at)["x"] == [-2, -1, 0, 1, 2]  # the good file is still drawn


def test_a_bad_first_upload_is_refused_once_and_the_generated_data_stays():
    """A bad file as the first upload made every rerun ask for another rerun (the page spun)."""
    at = app_on("linreg")
    before = data_points(at)["x"]
    csv_uploader(at).set_value(("bad.csv", b"x,y\n1,a\n2,3\n", "text/csv")).run(timeout=20)
    no_exception(at)
    assert any("is not a number" in w.value and "previous data stays in use" in w.value for w in at.warning)
    assert data_points(at)["x"] == before
