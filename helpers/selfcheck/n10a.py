"""Self-check exercises of notebook 10a (preprocessing: text, numeric and categorical features)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register

# Corpora where the plausible mistakes give different vocabularies: ties between unigrams and
# bigrams, upper case and punctuation, a word frequent in one document only.
_CORPORA = (
    ["The cat sat on the mat.", "The dog sat, then the dog ran!", "A cat and a dog.", "The END"],
    ["b a b a", "a b"],
    ["x y x y x", "Y, x!"],
)


def _keras_vocabulary(texts, **kwargs) -> list[str]:
    import keras

    layer = keras.layers.TextVectorization(**kwargs)
    layer.adapt(texts)
    return [str(token) for token in layer.get_vocabulary()]


def _check_bigram_vocabulary(bigram_vocabulary):
    for texts in _CORPORA:
        got = bigram_vocabulary(list(texts))
        if got is None:
            raise NotYet("bigram_vocabulary returned None: return the vocabulary as a list of strings.")
        got = [str(token) for token in got]
        want = _keras_vocabulary(texts, ngrams=2)
        if got[:2] != ["", "[UNK]"]:
            raise NotYet(f"the vocabulary starts with {got[:2]}, but in output_mode='int' it starts with "
                         "'' (padding, id 0) and '[UNK]' (id 1).")
        missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        if missing or extra:
            raise NotYet(f"for {texts}: missing tokens {missing[:6]}, unexpected tokens {extra[:6]}. "
                         "ngrams=2 keeps the single words and adds every pair of neighbouring words "
                         "(joined by one space), after lower-casing and stripping punctuation.")
        if got != want:
            first = next(i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
            raise NotYet(f"for {texts}: the right tokens in the wrong order from position {first} "
                         f"(you have {got[first:first + 4]}, Keras has {want[first:first + 4]}). Single "
                         "words and pairs are sorted together by count, most frequent first, ties in "
                         "reverse alphabetical order.")
    return ("your vocabulary equals TextVectorization(ngrams=2)'s on three corpora, ties and punctuation "
            "included.")


register(Exercise(
    key="10a.1", title="The vocabulary of a bigram TextVectorization", minutes=20, objectives=(1,),
    task="Write bigram_vocabulary(texts) in plain Python (no Keras) returning the list that "
         "TextVectorization(ngrams=2), adapted on texts, gives from get_vocabulary(). Done when the "
         "check prints ✓ for the three corpora it tries.",
    answer="bigram_vocabulary",
    check_answer=_check_bigram_vocabulary,
    hint="Standardize like the notebook's standardize(), split on spaces, count every word and every "
         "pair of neighbouring words ('the cat') in one Counter, then sort by (count, token) in reverse "
         "and put '' and '[UNK]' first.",
    solution='''
import string
from collections import Counter

def bigram_vocabulary(texts):
    counts = Counter()
    for text in texts:
        words = text.lower().translate(str.maketrans("", "", string.punctuation)).split()
        counts.update(words)
        counts.update(" ".join(pair) for pair in zip(words, words[1:]))
    return ["", "[UNK]", *sorted(counts, key=lambda token: (counts[token], token), reverse=True)]
''',
    wrong=(
        ('''
import re
from collections import Counter

def bigram_vocabulary(texts):
    counts = Counter()
    for text in texts:
        words = re.sub(r"[^a-z ]", "", text.lower()).split()
        counts.update(words)
        counts.update(" ".join(pair) for pair in zip(words, words[1:]))
    return ["", "[UNK]", *sorted(counts, key=lambda token: (-counts[token], token))]
''', "reverse alphabetical"),
        ('''
import re
from collections import Counter

def bigram_vocabulary(texts):
    counts = Counter()
    for text in texts:
        words = re.sub(r"[^a-z ]", "", text.lower()).split()
        counts.update(" ".join(pair) for pair in zip(words, words[1:]))
    return ["", "[UNK]", *sorted(counts, key=lambda token: (counts[token], token), reverse=True)]
''', "missing tokens"),
        ('''
from collections import Counter

def bigram_vocabulary(texts):
    counts = Counter()
    for text in texts:
        words = text.split()
        counts.update(words)
        counts.update(" ".join(pair) for pair in zip(words, words[1:]))
    return ["", "[UNK]", *sorted(counts, key=lambda token: (counts[token], token), reverse=True)]
''', "unexpected tokens"),
        ('''
def bigram_vocabulary(texts):
    return sorted({word for text in texts for word in text.lower().split()})
''', "starts with"),
    ),
))


# ---------------------------------------------------------------- 10a.2 lookup ids

_LOOKUPS = (
    (["red", "green", "blue"], None, ["blue", "pink", "red", "green", ""]),
    (["red", "green", "blue"], "", ["blue", "pink", "", "red"]),
    (["b", "a"], "", ["a", "", "zz", "b", "a"]),
)


def _check_lookup_ids(lookup_ids):
    import keras

    for vocabulary, mask_token, values in _LOOKUPS:
        got = lookup_ids(list(values), list(vocabulary), mask_token)
        if got is None:
            raise NotYet("lookup_ids returned None: return one integer id per value.")
        got = [int(i) for i in np.asarray(got).ravel()]
        layer = keras.layers.StringLookup(vocabulary=list(vocabulary), mask_token=mask_token)
        want = [int(i) for i in keras.ops.convert_to_numpy(layer(np.array(values)))]
        if got != want:
            rule = ("with mask_token set, the mask is id 0, the OOV token [UNK] id 1 and the vocabulary "
                    "starts at 2" if mask_token is not None else
                    "without a mask, the OOV token [UNK] is id 0 and the vocabulary starts at 1")
            raise NotYet(f"for vocabulary={vocabulary}, mask_token={mask_token!r} and values {values} "
                         f"StringLookup gives {want}, you give {got}: {rule}.")
    return "your ids equal StringLookup's with and without a mask token, unknown values included."


register(Exercise(
    key="10a.2", title="Which id does StringLookup give?", minutes=15, objectives=(4,),
    task="Write lookup_ids(values, vocabulary, mask_token=None) returning the list of ids that "
         "StringLookup(vocabulary=vocabulary, mask_token=mask_token) gives for the strings in values "
         "(one OOV bucket, the default). Done when the check prints ✓ for three vocabularies, with and "
         "without a mask.",
    answer="lookup_ids",
    check_answer=_check_lookup_ids,
    hint="Count the reserved ids first: the mask (if there is one), then the one OOV bucket; the "
         "vocabulary's first entry comes right after them. A value equal to the mask token gets id 0.",
    solution='''
def lookup_ids(values, vocabulary, mask_token=None):
    reserved = 2 if mask_token is not None else 1  # [mask,] [UNK]
    oov = reserved - 1
    position = {token: reserved + i for i, token in enumerate(vocabulary)}
    return [0 if mask_token is not None and v == mask_token else position.get(v, oov) for v in values]
''',
    wrong=(
        ('''
def lookup_ids(values, vocabulary, mask_token=None):
    return [vocabulary.index(v) if v in vocabulary else len(vocabulary) for v in values]
''', "without a mask, the OOV token [UNK] is id 0"),
        ('''
def lookup_ids(values, vocabulary, mask_token=None):
    position = {token: 1 + i for i, token in enumerate(vocabulary)}
    return [position.get(v, 0) for v in values]
''', "with mask_token set, the mask is id 0"),
        ('''
def lookup_ids(values, vocabulary, mask_token=None):
    position = {token: 2 + i for i, token in enumerate(vocabulary)}
    return [1 if v == mask_token else position.get(v, 0) for v in values]
''', "StringLookup gives"),
    ),
))


# ---------------------------------------------------------------- 10a.3 Normalization by hand

def _check_normalize(normalize):
    import keras

    data_rng = np.random.default_rng(10)
    train = data_rng.normal([5.0, -3.0, 100.0], [1.0, 4.0, 30.0], size=(5, 3)).astype("float32")
    x = data_rng.normal([5.0, -3.0, 100.0], [1.0, 4.0, 30.0], size=(4, 3)).astype("float32")
    cases = ((-1, "per feature (axis=-1)"), (None, "one mean and variance for the whole array (axis=None)"))
    for axis, name in cases:
        got = normalize(train.copy(), x.copy(), axis)
        if got is None:
            raise NotYet("normalize returned None: return the normalized array.")
        got = np.asarray(got, dtype="float64")
        layer = keras.layers.Normalization(axis=axis)
        layer.adapt(train)
        want = keras.ops.convert_to_numpy(layer(x)).astype("float64")
        if got.shape != want.shape:
            raise NotYet(f"for axis={axis} the result has shape {got.shape}, Normalization gives "
                         f"{want.shape}.")
        if not np.allclose(got, want, rtol=1e-4, atol=1e-4):
            ratio = np.std(got) / np.std(want)
            why = ""
            if abs(ratio - np.sqrt(4 / 5)) < 0.02:
                why = (" Your values are about √(4/5) of Keras's: Keras uses the population variance "
                       "(NumPy's default ddof=0), not the sample variance.")
            raise NotYet(f"for axis={axis}, {name}, Normalization adapted on train gives "
                         f"{np.round(want[0], 3)} for the first row of x, you give "
                         f"{np.round(got[0], 3)}.{why}")
    return ("your normalization equals Normalization's per feature and over the whole array, on 5 "
            "training rows.")


register(Exercise(
    key="10a.3", title="Normalization by hand, per feature or global", minutes=15, objectives=(3,),
    task="Write normalize(train, x, axis) in NumPy returning what Normalization(axis=axis), adapted on "
         "train, returns for x; axis is -1 (one mean and variance per column) or None (one for the "
         "whole array). Done when the check prints ✓ for both axes on a 5-row training set.",
    answer="normalize",
    check_answer=_check_normalize,
    hint="Per column: train.mean(axis=0) and train.var(axis=0); global: train.mean() and train.var(). "
         "Keras divides by the square root of the variance, and the variance is NumPy's default (ddof=0).",
    solution='''
import numpy as np

def normalize(train, x, axis):
    over = 0 if axis == -1 else None
    return (x - train.mean(axis=over)) / np.sqrt(train.var(axis=over))
''',
    wrong=(
        ('''
import numpy as np

def normalize(train, x, axis):
    over = 0 if axis == -1 else None
    return (x - train.mean(axis=over)) / train.std(axis=over, ddof=1)
''', "population variance"),
        ('''
import numpy as np

def normalize(train, x, axis):
    return (x - train.mean(axis=0)) / train.std(axis=0)
''', "axis=None"),
        ('''
import numpy as np

def normalize(train, x, axis):
    over = 0 if axis == -1 else None
    return (x - train.mean(axis=over)) / train.var(axis=over)
''', "Normalization adapted on train gives"),
    ),
))
