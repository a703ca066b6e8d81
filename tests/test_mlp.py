"""The network as a surface (surfaces.mlp), its sharpness along a run (optimizers.stability) and
planes through its parameters (surfaces.landscape), against finite differences and eigvalsh."""

from __future__ import annotations

import numpy as np
import pytest

from model.state import GOOD_LR, MANY_STEPS, NETWORK
from optimizers import OPTIMIZERS, run
from optimizers.stability import sharpness_path
from surfaces.landscape import line_surface, slice_surface
from surfaces.mlp import mlp_surface

EOS_LR, EOS_STEPS = (
    GOOD_LR[NETWORK],
    MANY_STEPS[NETWORK],
)  # the app's defaults: 0.065 (2/lr = 30.8), 3,000 steps


@pytest.fixture(scope="module")
def net():
    return mlp_surface()


def test_the_default_network_has_321_parameters(net):
    assert net.dim == 321 and net.sizes == (1, 16, 16, 1) and net.data.n == 32


def test_gradient_matches_central_differences(net):
    rng = np.random.default_rng(3)
    h = 1e-6
    for _ in range(3):
        P = net.start + 0.5 * rng.normal(size=net.dim)
        g = net.grad(P)
        E = np.eye(net.dim)
        fd = (net.value(P + h * E) - net.value(P - h * E)) / (2 * h)  # one batched pass per side
        assert np.linalg.norm(fd - g) <= 1e-6 * np.linalg.norm(g)


def test_batched_parameters_and_rows_agree_with_one_at_a_time(net):
    rng = np.random.default_rng(4)
    P = net.start + 0.3 * rng.normal(size=(2, 3, net.dim))
    f, g = net.value_and_grad(P)
    assert f.shape == (2, 3) and g.shape == (2, 3, net.dim)
    assert f[1, 2] == pytest.approx(net.value(P[1, 2]), rel=1e-13)
    assert g[0, 1] == pytest.approx(net.grad(P[0, 1]), rel=1e-12, abs=1e-15)
    idx = rng.integers(0, 32, size=(2, 3, 8))  # a mini-batch per network
    gb = net.grad(P, idx)
    assert gb[1, 0] == pytest.approx(net.grad(P[1, 0], idx[1, 0]), rel=1e-12, abs=1e-15)


def test_an_epochs_batch_gradients_average_to_the_full_gradient(net):
    P = net.start + 0.2
    order = np.random.default_rng(5).permutation(32).reshape(4, 8)
    mean = np.mean([net.grad(P, rows) for rows in order], axis=0)
    assert mean == pytest.approx(net.grad(P), rel=1e-12, abs=1e-15)


def test_hessian_matches_second_differences_of_the_loss_on_a_small_net():
    s = mlp_surface(width=4, depth=1, n=12)  # 13 parameters
    P = s.start + 0.4
    h = 1e-4
    E = np.eye(s.dim) * h
    f0 = s.value(P)
    fd = np.array(
        [
            [
                (s.value(P + a + b) - s.value(P + a - b) - s.value(P - a + b) + s.value(P - a - b))
                / (4 * h * h)
                for b in E
            ]
            for a in E
        ]
    )
    assert s.hessian(P) == pytest.approx(fd, abs=1e-4 * np.abs(fd).max())
    assert np.isfinite(f0)


def test_sharpness_path_by_lanczos_equals_eigvalsh(net):
    rng = np.random.default_rng(6)
    path = net.start + 0.3 * rng.normal(size=(3, net.dim))
    fast = sharpness_path(net, path, every=1)
    exact = np.linalg.eigvalsh(net.hessian(path))[:, -1]
    assert fast == pytest.approx(exact, rel=1e-4)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_trains_the_network(net, name):
    lr = {"newton": 0.5, "linesearch": 1.0, "adagrad": 0.05}.get(
        name, 0.01 if name in ("adam", "rmsprop") else 0.05
    )
    t = run(net, name, lr=lr, steps=60, tol=0)
    assert np.isfinite(t.losses).all() and not t.diverged
    assert t.losses[-1] < t.losses[0]


def test_sgd_on_the_network():
    s = mlp_surface()
    t = run(s, "gd", lr=0.05, steps=200, batch_size=8, seed=1, tol=0)
    assert t.batch_rows.shape == (200, 8) and t.losses[-1] < t.losses[0]


def test_gradient_descent_trains_at_the_edge_of_stability_with_the_default_settings(net):
    """Cohen et al. (2021): sharpness rises to 2/lr and hovers there while the loss keeps falling,
    not monotonically."""
    t = run(net, "gd", lr=EOS_LR, steps=EOS_STEPS, tol=0)
    lam = sharpness_path(net, t.path, every=10)
    edge = 2 / EOS_LR
    assert lam[0] < 0.9 * edge  # it starts well inside the stable region
    first = int(np.argmax(lam >= edge))
    assert lam[first] >= edge and (lam[first:] > 0.9 * edge).all()
    last = lam[-len(lam) // 4 :]
    assert (np.abs(last - edge) <= 0.1 * edge).all()
    rises = int((np.diff(t.losses) > 0).sum())
    assert 0.15 * EOS_STEPS < rises < 0.6 * EOS_STEPS  # the loss rises on many steps, and still falls
    assert t.losses[-1] < 0.05 * t.losses[0]


def test_a_slice_is_exact_at_its_center_and_its_gradient_is_the_projected_gradient(net):
    center = net.start + 0.1
    plane = slice_surface(net, center, "filter", seed=2)
    assert plane.dim == 2
    assert float(plane.value([0.0, 0.0])) == net.value(center)
    a, b, h = 0.3, -0.2, 1e-6
    g = plane.grad([a, b])
    fd = [
        (plane.value([a + h, b]) - plane.value([a - h, b])) / (2 * h),
        (plane.value([a, b + h]) - plane.value([a, b - h])) / (2 * h),
    ]
    assert g == pytest.approx(fd, rel=1e-6)
    H = plane.hessian([a, b])
    fdH = (plane.grad([a + h, b]) - plane.grad([a - h, b])) / (2 * h)
    assert H[0] == pytest.approx(fdH, rel=1e-4, abs=1e-6)


def test_filter_normalized_directions_match_each_neurons_norm(net):
    center = net.start
    plane = slice_surface(net, center, "filter", seed=0)
    for (Wd, bd), (Wc, _) in zip(net.layers(plane.directions[:1]), net.layers(center[None]), strict=True):
        assert np.linalg.norm(Wd[0], axis=1) == pytest.approx(np.linalg.norm(Wc[0], axis=1))
        assert (bd == 0).all()


def test_pca_directions_explain_the_path_and_project_the_center_to_the_origin(net):
    t = run(net, "adam", lr=0.01, steps=300, tol=0)
    end = t.path[-1]
    plane = slice_surface(net, end, "pca", path=t.path)
    assert plane.explained[0] >= plane.explained[1] > 0 and plane.explained.sum() <= 1 + 1e-12
    ab, plane_loss, true_loss = plane.project(t.path)
    assert ab[-1] == pytest.approx([0.0, 0.0], abs=1e-9)
    assert plane_loss[-1] == pytest.approx(true_loss[-1], rel=1e-12)
    given = plane.project(t.path, t.losses)  # the run's own losses are the iterates' true losses
    assert np.array_equal(given[1], plane_loss) and given[2] == pytest.approx(true_loss, rel=1e-12)
    with pytest.raises(ValueError, match="trajectory"):
        slice_surface(net, end, "pca")


def test_the_line_from_start_to_end_is_exact_at_both_ends(net):
    t = run(net, "adam", lr=0.01, steps=200, tol=0)
    line = line_surface(net, t.path[0], t.path[-1])
    assert line.dim == 1
    assert float(line.value([0.0])) == net.value(t.path[0])
    assert float(line.value([1.0])) == pytest.approx(net.value(t.path[-1]), rel=1e-12)
    h, s = 1e-6, 0.4
    fd = (line.value([s + h]) - line.value([s - h])) / (2 * h)
    assert line.grad([s])[0] == pytest.approx(fd, rel=1e-6)
    fd2 = (line.grad([s + h])[0] - line.grad([s - h])[0]) / (2 * h)
    assert line.hessian([s])[0, 0] == pytest.approx(fd2, rel=1e-4)
    with pytest.raises(ValueError, match="parameter vectors"):
        line_surface(net, t.path[0][:3], t.path[-1])


def test_the_2d_views_and_engines_work_on_a_slice_unchanged(net):
    """A plane through the network is an ordinary 2-D Surface: runs, basin maps, contour and 3-D
    figures take it as they take Himmelblau."""
    from model.experiment import Run
    from model.text import texts
    from optimizers.basins import basin_map
    from viz.contour import contour_figure
    from viz.surface3d import surface_figure

    plane = slice_surface(net, net.start, "filter", seed=1, span=0.5)
    t = run(plane, "momentum", x0=[0.3, -0.2], lr=0.02, steps=50, tol=0)
    assert t.losses[-1] < t.losses[0]
    bmap = basin_map(plane, "gd", [0.01, 0.05], n=9, steps=40)
    assert bmap.lrs.tolist() == [0.01, 0.05]
    steps = len(t.path) - 1
    r = Run("momentum", 0.02, 0, 0, t.path, t.losses, t.grads, t.lrs, np.arange(1, steps + 1), -1, -1)
    T = texts("en")
    assert contour_figure(plane, [r], T)["data"][0]["type"] == "contour"
    assert surface_figure(plane, [r], T)["data"][0]["type"] == "surface"


def test_a_planes_map_grid_is_the_loss_of_its_networks_computed_once(net):
    """SliceSurface.grid_values: the loss at center + a d1 + b d2 on the plane's own grid, each
    network's loss by its own forward pass (no batching), and the same arrays when asked again."""
    rng = np.random.default_rng(4)
    plane = slice_surface(net, net.start, "filter", seed=3)
    xs, ys, Z = plane.grid_values()
    assert (
        Z.shape == (plane.grid, plane.grid) and xs[0] == plane.bounds[0, 0] and ys[-1] == plane.bounds[1, 1]
    )
    for i, j in rng.integers(0, plane.grid, size=(5, 2)):
        p = net.start + xs[j] * plane.directions[0] + ys[i] * plane.directions[1]
        f = np.mean((net.predict(p, net.data.x) - net.data.y) ** 2)
        assert Z[i, j] == pytest.approx(f, rel=1e-12)
    assert plane.grid_values()[2] is Z  # computed once per plane


def test_the_landscapes_plane_is_kept_per_run_and_directions():
    from types import SimpleNamespace

    from model.landscape import plane_of

    s = mlp_surface()
    path = s.start + 0.01 * np.random.default_rng(1).normal(size=(30, s.dim)).cumsum(axis=0)
    run = SimpleNamespace(path=path, steps_taken=29)
    pca = plane_of(s, [run])
    assert plane_of(s, [run]) is pca and plane_of(s, [run], "filter") is not pca
    np.testing.assert_allclose(pca.origin, path[29])
    other = SimpleNamespace(path=path.copy(), steps_taken=29)  # another run's path: its own plane
    assert plane_of(s, [other]) is not pca
