# %% [markdown]
# # Practice quiz: custom layers in Keras 3
#
# Twenty multiple-choice questions on writing your own Keras 3 layers: `build`, `call`,
# `add_weight`, `Lambda`, activations and training. Each question may have one or several correct
# options. Tick your choices, press **Check**, and every option is explained; **Retry** clears a
# question so you can answer it again. Nothing is saved or sent anywhere.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/quiz/practice.ipynb)

# %%
# Setup: on Colab this installs the course helpers and Keras; locally it checks versions.
import importlib, importlib.util, os, subprocess, sys

if importlib.util.find_spec("google.colab") and importlib.util.find_spec("helpers") is None:
    url = os.environ.get("COURSE_HELPERS_URL", "git+https://github.com/keras-layers-course/keras3-layers-course.git@main")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"keras-layers-course[colab] @ {url}"], check=True)
    importlib.invalidate_caches()

from helpers.setup import start

ENV = start(seed=42)

# %% [markdown]
# ## The quiz
#
# The quiz states its scoring rule at the top; it is the rule the graded quiz uses. By default a
# question scores the correct options you picked minus the wrong ones you picked, divided by the
# number of correct options, never below zero; a blank answer scores 0. The running score at the
# top and bottom adds up the questions you have checked.
#
# A few questions differ from older (Keras 2) versions of this quiz; the notebook
# `keras3_review.ipynb` next to this one proves every fact the answers rely on.

# %%
from helpers.quiz.widget import practice

practice()

# %% [markdown]
# ## Computed questions
#
# These questions come with numbers of their own: a layer's output shape, a parameter count, a
# value, or which of four calls fails. Each option is a result someone could plausibly get, and
# the right one is what Keras itself returns for that code. Pick an option and press **Check**;
# a wrong pick says which slip leads to it. **New variant** draws fresh numbers for all of them,
# as often as you like. The graded quiz may include questions like these, with numbers drawn for
# you alone.

# %%
from helpers.quiz.computed_widget import ComputedPractice

ComputedPractice(count=3).widget

# %% [markdown]
# ## No widgets?
#
# If the quiz above does not appear (some editors do not render widgets), check answers as text:
# put question numbers and your letters in the dictionary and run the cell. (It starts empty so that
# running the whole notebook gives nothing away.)

# %%
from helpers.quiz import practise_in_text

my_answers = {}  # for example {1: "AB", 9: "A"}: question number -> your letters
practise_in_text(my_answers)
