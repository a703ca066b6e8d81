"""Lessons: presets a teacher runs a class from. Each sets every control, says what to look at and
why it happens, asks the class to predict, and holds the answer for the Reveal button.

A lesson's `values` override the defaults of its surface (viz.state.defaults); the slugs are what
the app's `lesson` selectbox holds and what `python -m viz.export --list` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import defaults


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    surface: str
    values: dict
    look: str  # what to look at
    why: str  # why it happens
    ask: str  # a question to ask the class
    question: str  # a prediction to make before pressing Play
    choices: tuple[str, ...]
    answer: int  # index into choices
    explanation: str
    extra: dict = field(default_factory=dict)

    def state(self) -> dict:
        """Every control's value for this lesson."""
        state = defaults(self.surface)
        state.update(self.values, lesson=self.slug)
        for name in state["optimizers"]:
            state.setdefault(f"{name}_lr", state["lr"])
        return state


LESSONS = [
    Lesson(
        "seed-example",
        "1 · The lecture's example: one step from w = 5",
        "quadratic",
        dict(lr=0.1, x0=5.0, steps=100),
        look="The dotted tangent at w = 5 has slope L'(5) = 2·(5 − 1) = 8. The step goes against it: "
        "w₁ = 5 − 0.1 · 8 = 4.2. Check it in the step table.",
        why="Gradient descent moves against the slope, by the learning rate times the slope. Near the "
        "bottom the slope shrinks, so the steps shrink too.",
        ask="Why do the steps get shorter although the learning rate stays 0.1?",
        question="From w = 5 with lr 0.1, where is w after one step?",
        choices=("4.2", "4.6", "1.0", "0.8"),
        answer=0,
        explanation="w₁ = w₀ − lr · L'(w₀) = 5 − 0.1 · 8 = 4.2. Each step multiplies the distance to the "
        "minimum w = 1 by 1 − 2·lr = 0.8.",
    ),
    Lesson(
        "too-large",
        "2 · Too large: lr 10 diverges, lr 1.0 bounces forever",
        "quadratic",
        dict(lr=10.0, lrs=[1.0], x0=5.0, steps=100),
        look="lr 10 throws w from 5 to −75 in one step, then further each time: the point leaves the view "
        "(pinned to the edge with its value). lr 1.0 jumps between 5 and −3 for ever.",
        why="On (w − 1)² + 2 one step multiplies w − 1 by 1 − 2·lr: by −19 for lr 10 (it grows), by −1 "
        "for lr 1.0 (same size, other side), by less than 1 in size only for lr < 1.",
        ask="Which learning rate is the largest that still converges here, and why exactly that one?",
        question="Will lr = 1.0 converge?",
        choices=("Yes, slowly", "No, it bounces between 5 and −3 for ever", "No, it diverges"),
        answer=1,
        explanation="1 − 2 · 1.0 = −1: every step lands at the mirror image of the last, 4 away from the "
        "minimum on the other side. lr · λmax = 1.0 · 2 = 2 is exactly gradient descent's limit.",
    ),
    Lesson(
        "too-small",
        "3 · Too small: lr 0.001 barely moves",
        "quadratic",
        dict(lr=0.001, x0=5.0, steps=100),
        look="After 100 steps w is still 4.27: the points are packed so tightly they look like one.",
        why="Each step removes only 2·lr = 0.2% of the distance to the minimum: 0.998¹⁰⁰ ≈ 0.82 of it remains.",
        ask="How many steps would lr 0.001 need to get within 0.01 of the minimum?",
        question="Where is w after 100 steps of lr 0.001 from w = 5?",
        choices=("About 1 (the minimum)", "About 4.27", "About 2.5"),
        answer=1,
        explanation="w₁₀₀ = 1 + 4 · 0.998¹⁰⁰ = 4.274. Reaching 1.01 takes about 3,000 steps.",
    ),
    Lesson(
        "seed-comparison",
        "4 · The lecture's comparison: lr 0.4, 0.1, 0.001 and 10",
        "quadratic",
        dict(lr=0.1, lrs=[0.4, 0.001, 10.0], x0=5.0, steps=100),
        look="Four learning rates on one picture, as in the lecture's loop: 0.4 lands exactly on w = 1 "
        "within a few steps, 0.1 glides in, 0.001 crawls and 10 leaves the view at once.",
        why="The factor 1 − 2·lr per step: 0.2 (fast), 0.8 (steady), 0.998 (slow) and −19 (explodes).",
        ask="Which lr would reach the minimum in a single step?",
        question="Which learning rate gets closest to the minimum in 100 steps?",
        choices=("10", "0.4", "0.1", "0.001"),
        answer=1,
        explanation="0.4 shrinks the distance 5-fold per step and, as in the lecture's loop, stops when the "
        "derivative is exactly 0. lr 0.5 would even jump there in one step (factor 0).",
    ),
    Lesson(
        "local-minima",
        "5 · Local minima: the start decides",
        "double_well",
        dict(lr=0.05, x0=1.8, start2=True, x1=-0.2, steps=200),
        look="Same optimizer, same learning rate, two starts: one settles in the shallow valley on the "
        "right (loss 0.48), the other in the deep one on the left (loss −0.51).",
        why="Gradient descent only looks at the local slope. Both valleys have zero slope at the bottom; "
        "nothing tells the right-hand run that a deeper valley exists.",
        ask="Where is the watershed between the two valleys, and what could get a run across it?",
        question="Do both starts end in the same minimum?",
        choices=("Yes, the deepest one", "No: each stays in the valley it starts in"),
        answer=1,
        explanation="The hill top near w = 0.13 splits the basins: starts to its right reach w = 0.93, "
        "starts to its left w = −1.06. Noise or momentum can carry a run over it (lesson 11).",
    ),
    Lesson(
        "sgd-vs-batch",
        "6 · SGD vs full batch on linear regression",
        "linreg",
        dict(lr=0.05, batch_sizes=[1, 50], steps=300, history_x="epoch"),
        look="Full batch glides straight down the bowl; SGD (one point per step) zig-zags around it. In the "
        "data panel the fitted line settles for full batch and keeps wobbling for SGD.",
        why="SGD's gradient comes from one point: right on average, wrong every time. Per epoch SGD takes 50 "
        "noisy steps where full batch takes one smooth step.",
        ask="Measured in epochs (passes over the data), which one is ahead?",
        question="Which path zig-zags?",
        choices=("Full batch", "SGD (batch 1)", "Both equally"),
        answer=1,
        explanation="The grey arrow (the batch's gradient) keeps disagreeing with the black one (the full "
        "data's). A smaller learning rate, or a bigger batch, calms the zig-zag.",
    ),
    Lesson(
        "ravine",
        "7 · The ravine: GD zig-zags, momentum glides",
        "ravine",
        dict(
            optimizers=["gd", "momentum"],
            lr=0.035,
            steps=100,
            momentum_momentum=0.7,
            momentum_own_lr=True,
            momentum_lr=0.02,
        ),
        look="Gradient descent bounces across the narrow valley and crawls along it; momentum builds up "
        "speed along the floor and reaches the minimum first.",
        why="The valley is 50 times steeper across than along. A learning rate small enough not to diverge "
        "across (lr · 50 < 2) is tiny along (lr · 1). Momentum averages the bounces away and accumulates "
        "the consistent push along the floor.",
        ask="What would happen to gradient descent with lr 0.045? And to momentum with μ = 0.9?",
        question="After 100 steps, which is lower?",
        choices=("Gradient descent", "Momentum", "About the same"),
        answer=1,
        explanation="Momentum (μ = 0.7, its own lr 0.02) ends near 10⁻⁶, gradient descent (lr 0.035) near "
        "0.03, and momentum's path is the smoother one: the loss plot shows its line falling far more steeply.",
    ),
    Lesson(
        "rosenbrock",
        "8 · Rosenbrock: GD vs momentum vs Adam vs Newton",
        "rosenbrock",
        dict(
            optimizers=["gd", "momentum", "adam", "newton"],
            lr=0.001,
            steps=500,
            adam_own_lr=True,
            adam_lr=0.05,
            newton_own_lr=True,
            newton_lr=1.0,
        ),
        look="Everyone reaches the curved valley quickly; following it to (1, 1) is the hard part. Newton "
        "uses the curvature and strides along; Adam adapts its step per coordinate; GD creeps.",
        why="The valley floor is nearly flat but its walls are steep: the learning rate that keeps GD stable "
        "on the walls is far too small for the floor.",
        ask="Why does Adam need its own, larger learning rate here?",
        question="Which one reaches (1, 1) first?",
        choices=("Gradient descent", "Momentum", "Adam", "Newton"),
        answer=3,
        explanation="Newton's step divides by the curvature, so it is long where the surface is flat and "
        "short where it is steep: it converges in a few dozen steps.",
    ),
    Lesson(
        "saddle",
        "9 · The saddle: a start on the ridge stalls",
        "saddle",
        dict(lr=0.05, x0=1.5, y0=0.0, start2=True, x1=1.5, y1=0.01, optimizers=["gd"], steps=300),
        look="The run that starts exactly on the ridge y = 0 slides into the saddle point at the origin and "
        "stops there: the gradient is zero. A start only 0.01 off the ridge escapes to a minimum.",
        why="On the ridge the gradient has no y part, so GD never leaves it. Off the ridge the y part grows "
        "away from the saddle (the surface curves down in y there) and carries the run off.",
        ask="Try gradient noise σ = 0.05 on the ridge start: what happens?",
        question="Where does the run that starts on the ridge end?",
        choices=("At a minimum (0, ±1)", "At the saddle point (0, 0)", "It diverges"),
        answer=1,
        explanation="It 'converges' at the saddle: a zero gradient is not a minimum. Any nudge, like SGD's "
        "noise, escapes, which is one reason noisy training rarely stalls at saddles.",
    ),
    Lesson(
        "schedule-rescue",
        "10 · A schedule rescues a too-large learning rate",
        "quadratic",
        dict(lr=1.05, x0=5.0, steps=200, schedule="exponential", schedule_gamma=0.95),
        look="lr 1.05 starts beyond the limit (lr · λmax = 2.1): the first steps overshoot, growing. The "
        "learning-rate plot shows the schedule shrinking it by 5% a step; once below 1 the run converges.",
        why="The lecture's scheduling: lower the rate as training goes on. Large steps early, small later.",
        ask="Set the schedule back to constant: what happens to the same lr 1.05?",
        question="lr 1.05 alone diverges here. With the rate shrinking 5% per step, what happens?",
        choices=("It still diverges", "It converges", "It stops moving at w = 5"),
        answer=1,
        explanation="After 1 step the rate is 1.0, after 15 it is below 0.5: the overshoots shrink and the "
        "run converges to w = 1.",
    ),
    Lesson(
        "noise-escape",
        "11 · Noise kicks a run out of a shallow minimum",
        "double_well",
        dict(lr=0.05, x0=1.8, steps=500, noise=5.0, seed=0, schedule="exponential", schedule_gamma=0.99),
        look="The start is in the shallow valley's basin (without noise it ends at w = 0.93, lesson 5). "
        "Gradient noise, SGD's randomness, kicks it over the hill into the deeper valley, where it "
        "settles as the learning rate decays.",
        why="Noise lets a run climb small hills at random; a decaying learning rate then lets it settle, "
        "more likely in a wide, deep valley than in a shallow one.",
        ask="Try other seeds: how often does it end in the deep valley?",
        question="With strong gradient noise, where does the run from w = 1.8 end?",
        choices=("In the shallow valley (w ≈ 0.93)", "In the deep valley (w ≈ −1.06)"),
        answer=1,
        explanation="With seed 0 it ends near −1.04. Over seeds 0–11 about half end in the deep valley: "
        "noise helps, but it is not a guarantee.",
    ),
]
BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}


def get_lesson(slug: str) -> Lesson:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise ValueError(f"unknown lesson {slug!r}; choose one of: {', '.join(BY_SLUG)}") from None
