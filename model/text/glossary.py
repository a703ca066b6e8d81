"""One glossary: the lecture's terms, each with its English and Korean name and meaning in the text
catalogs (term.<id>, meaning.<id>). The app shows it in a small "용어" / "Glossary" expander; the
tests check that the Korean catalog says each term the one way the glossary does."""

TERMS = (
    "gradient_descent",
    "loss_function",
    "learning_rate",
    "gradient",
    "converge",
    "diverge",
    "oscillate",
    "local_minimum",
    "global_minimum",
    "saddle_point",
    "batch",
    "epoch",
    "step",
    "scheduling",
    "taylor",
    "momentum",
    "curvature",
    "run",
    "optimizer",
    "weight",
)

# Korean spellings the catalog must not use, where the glossary has one word for the idea.
AVOID_KO = {
    "learning_rate": ("러닝레이트", "러닝 레이트", "학습율"),
    "local_minimum": ("국소 최솟값", "국소최솟값", "지역 최소값", "로컬 미니멈"),
    "global_minimum": ("전역 최소값", "글로벌 미니멈"),
    "epoch": ("에포크", "에폭크"),
    "gradient_descent": ("경사하강법", "기울기 하강법"),
    "diverge": ("폭주",),
    "momentum": ("운동량",),
    "run": ("실행",),  # a program's execution; a descent from one start is a 경로
    "optimizer": ("옵티마이저",),
}
