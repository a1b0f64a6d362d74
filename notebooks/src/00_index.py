# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Keras 3 Layers API: the course
#
# A course on the layers of Keras 3 in 17 sections, one notebook (or a few parts) each, with
# pictures, explorers and proof cells that assert every claim (against an independent NumPy
# computation, or as an expected shape or error) on TensorFlow, JAX and PyTorch; the three parts
# of section 17 run on the backends their layers need. Every notebook opens with what you will be
# able to do after it, what to read first and how long it takes; its core path fits one 90-minute
# session, and an optional deep dive at its end holds the proofs that are there for trust.
#
# **Where to start.** Begin with 01 (the base `Layer` class): every other notebook builds on it. After
# that, follow the *Read first* column below; 02–05 (activations, initializers, regularizers, constraints)
# and 06 (core layers) are the common ground of the later notebooks.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/keras-layers-course/keras3-layers-course/blob/main/notebooks/00_index.ipynb)

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
# ## Sections
#
# | Notebook | What it teaches | Study time: core path · whole | Read first | Runs in |
# |---|---|---|---|---|
# | [01 · The base Layer class](01_layer_base.ipynb) | Write Keras layers from scratch: weights made in build, maths in call; train, freeze, save and reload them, and add an extra loss. | 1 h 30 min · 3 h 40 min | — | ≈ 35 s |
# | [01b · The Layer contract: training, masks, shapes, Layer vs Model, stateless use](01b_layer_contract.ipynb) | The promises every Keras layer keeps: the training flag, masks over padding, output shapes without data, stateless calls; and Layer or Model. | 1 h 30 min · 2 h 55 min | [01](01_layer_base.ipynb) | ≈ 25 s |
# | [02 · Layer activations](02_activations.ipynb) | The 30 functions of keras.activations with their derivatives, how to apply them, and two failures seen in numbers: dying ReLUs and vanishing gradients. | 1 h 30 min · 3 h 30 min | [01](01_layer_base.ipynb) | ≈ 25 s |
# | [03 · Layer weight initializers](03_initializers.ipynb) | How an initializer writes a layer's first weights, the fan-scaled Glorot, He and LeCun rules, seeds, and why the choice decides whether a deep signal survives. | 1 h 30 min · 4 h 15 min | [01](01_layer_base.ipynb), [02](02_activations.ipynb) | ≈ 20 s |
# | [04 · Layer weight regularizers](04_regularizers.ipynb) | Weight penalties added to the loss: L1, L2, L1L2 and the orthogonality penalty by hand, where Keras reports them, a custom one, and overfitting tamed. | 1 h 30 min · 2 h 55 min | [01](01_layer_base.ipynb) | ≈ 20 s |
# | [05 · Layer weight constraints](05_constraints.ipynb) | Projections applied after every optimizer step: MaxNorm, MinMaxNorm, NonNeg and UnitNorm per unit, a custom constraint, and non-negative least squares. | 1 h 25 min · 2 h 35 min | [04](04_regularizers.ipynb) | ≈ 15 s |
# | [06 · Core layers](06_core_layers.ipynb) | The layers most models are built from: Input, InputSpec, Dense, EinsumDense, Embedding, masks, Lambda and Identity, and int8 quantization. | 1 h 30 min · 3 h 15 min | [01](01_layer_base.ipynb) | ≈ 30 s |
# | [07 · Convolution layers](07_convolution.ipynb) | Conv1D/2D/3D, depthwise, separable and transposed convolutions rebuilt in NumPy: output sizes, weight counts, and hand-set filters on a photo. | 1 h 30 min · 2 h 55 min | [06](06_core_layers.ipynb) | ≈ 15 s |
# | [08 · Pooling layers](08_pooling.ipynb) | Max, average, global and adaptive pooling in 1, 2 and 3 D: what each output cell reads, the output-size rules, and what pooling keeps and loses. | 1 h 30 min · 3 h 20 min | [07](07_convolution.ipynb) | ≈ 25 s |
# | [09 · Recurrent layers](09_recurrent.ipynb) | SimpleRNN, GRU and LSTM as a loop over a cell: step equations recomputed in NumPy, gate order, states, masks, wrappers, a forecast. | 1 h 30 min · 2 h 55 min | [01b](01b_layer_contract.ipynb), [02](02_activations.ipynb), [06](06_core_layers.ipynb) | ≈ 45 s |
# | [10a · Preprocessing layers: text, numeric and categorical features](10a_preprocessing_text_numeric.ipynb) | Turn text, numbers and categories into model inputs with adapt-able layers: vocabularies, tf-idf, standardization, bins, lookups and hashing. | 1 h 25 min · 3 h 15 min | [06](06_core_layers.ipynb) | ≈ 20 s |
# | [10b · Preprocessing layers: images, audio, and where preprocessing runs](10b_preprocessing_image_audio.ipynb) | Make images and audio model-ready: resize, rescale and crop images, turn waveforms into spectrograms, and run it in the model or in tf.data. | 1 h 25 min · 2 h 25 min | [07](07_convolution.ipynb), [10a](10a_preprocessing_text_numeric.ipynb) | ≈ 30 s |
# | [10c · Augmentation layers, part 1: geometry, mixing and bounding boxes](10c_augmentation.ipynb) | Geometric augmentation, MixUp and CutMix, and bounding boxes: what each layer does to an image, and when it is switched off. | 1 h 25 min · 2 h 45 min | [01b](01b_layer_contract.ipynb), [10b](10b_preprocessing_image_audio.ipynb) | ≈ 35 s |
# | [10d · Augmentation layers, part 2: colour, contrast and intensity](10d_augmentation_color.ipynb) | Colour and intensity augmentation: brightness, contrast, hue, tone curves, filters and RandAugment, with the two layers that also run at inference. | 1 h 5 min · 2 h | [10c](10c_augmentation.ipynb) | ≈ 35 s |
# | [11 · Normalization layers](11_normalization.ipynb) | Batch, layer, group, RMS and unit normalization: which numbers share statistics, the exact formulas, and BatchNormalization's moving statistics. | 1 h 30 min · 3 h | [06](06_core_layers.ipynb), [01b](01b_layer_contract.ipynb) | ≈ 25 s |
# | [12 · Regularization layers](12_regularization_layers.ipynb) | Dropout, spatial dropout, Gaussian and alpha noise, activity penalties: what each does in training and at inference, and dropout taming overfitting. | 1 h 30 min · 3 h | [06](06_core_layers.ipynb), [04](04_regularizers.ipynb) | ≈ 40 s |
# | [13 · Attention layers](13_attention.ipynb) | Attention by hand, one head at a time: queries, keys and values, why scores are divided by √d, masks, multi-head and grouped-query attention. | 1 h 30 min · 3 h 20 min | [01b](01b_layer_contract.ipynb), [02](02_activations.ipynb), [06](06_core_layers.ipynb), [09](09_recurrent.ipynb), [11](11_normalization.ipynb) | ≈ 35 s |
# | [14 · Reshaping layers](14_reshaping.ipynb) | Reshape, Flatten, RepeatVector, Permute, cropping, zero padding and upsampling: layers that move numbers without weights, each rebuilt in NumPy. | 1 h 25 min · 2 h 30 min | [07](07_convolution.ipynb), [08](08_pooling.ipynb) | ≈ 30 s |
# | [15 · Merging layers](15_merging.ipynb) | Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate and Dot: what each computes, which shapes merge, residual and multi-input models. | 1 h 30 min · 2 h 25 min | [06](06_core_layers.ipynb) | ≈ 20 s |
# | [16 · Activation layers](16_activation_layers.ipynb) | ReLU, Softmax, LeakyReLU, PReLU and ELU as layers: why a model needs them, what each computes, masked softmax, learned slopes, dead units. | 1 h 30 min · 2 h 45 min | [02](02_activations.ipynb), [01](01_layer_base.ipynb) | ≈ 25 s |
# | [17a · Backend-specific layers: which backend each needs, and `TFSMLayer`](17a_backend_specific_tfsm.ipynb) | Which backend each bridge layer needs, measured; then export a model as a SavedModel, reload it with TFSMLayer and train a new head on it. | 1 h 10 min · 1 h 40 min | [01](01_layer_base.ipynb) | ≈ 35 s |
# | [17b · `JaxLayer` and `FlaxLayer`: JAX code as Keras layers](17b_jax_flax_layers.ipynb) | Run JAX functions and Flax modules as Keras layers: JaxLayer and FlaxLayer, their parameters as Keras variables, rng and training, and fit. | 1 h · 1 h 55 min | [17a](17a_backend_specific_tfsm.ipynb), [01](01_layer_base.ipynb) | ≈ 30 s |
# | [17c · `TorchModuleWrapper`: a PyTorch module inside a Keras model](17c_torch_module_wrapper.ipynb) | On the PyTorch backend: train a torch.nn.Module inside a Keras model with TorchModuleWrapper, and train Keras layers from PyTorch code. | 50 min · 1 h 15 min | [01](01_layer_base.ipynb), [07](07_convolution.ipynb) | ≈ 15 s |
#
# Study times follow the rule in [docs/study_time.md](../docs/study_time.md); run times are the slowest
# backend's, measured on a 2-core CPU.

# %% [markdown]
# ## What each notebook teaches
#
# ### [01 · The base Layer class](01_layer_base.ipynb)
#
# After it you can:
#
# 1. write a custom layer with `__init__`, `build` (weights from `add_weight`) and `call`, and say when Keras runs `build` and when `call`
# 2. list, freeze and copy a layer's state with `weights`, `trainable_weights`, `non_trainable_weights`, `trainable`, `get_weights` and `set_weights`
# 3. train a model that contains your layer with `fit` and read the learned weights back
# 4. make a custom layer saveable with `get_config` and registration, and reload it from a `.keras` file
# 5. build a block of layers whose weights the outer layer tracks, and attach an extra loss with `add_loss` and read it in `losses`
#
# Practise it: 3 self-check exercises in the notebook; graded exercise `ex1_simple_dense`; graded exercise `ex2_serializable_layer`; graded exercise `ex3_state_and_losses`; quiz questions 1, 2, 3, 4, 5, 10, 11, 13, 14, 15, 16, 19, 20.
#
# ### [01b · The Layer contract: training, masks, shapes, Layer vs Model, stateless use](01b_layer_contract.ipynb)
#
# After it you can:
#
# 1. write a layer whose `call` takes `training=None` and acts differently in `fit` and in `predict`
# 2. consume, propagate or stop a padding mask with `call(..., mask=None)`, `supports_masking` and `compute_mask`
# 3. state a layer's output shape with `compute_output_shape`, so that a functional model is wired before any data
# 4. run a layer as a pure function with `stateless_call`, and round-trip it with `keras.layers.serialize` and `deserialize`
# 5. choose between `Layer` and `Model` for a block of layers, and train and save the `Model`
#
# Practise it: 3 self-check exercises in the notebook; graded exercise `ex2_serializable_layer`; graded exercise `ex3_state_and_losses`; graded exercise `ex5_residual_block`.
#
# ### [02 · Layer activations](02_activations.ipynb)
#
# After it you can:
#
# 1. show that two stacked linear layers collapse into one matrix, and say which layers make a model non-linear
# 2. apply an activation by name, as a function, as an `Activation` layer, or with `keras.activations.get` in a layer of your own
# 3. predict an activation's values and slope from its formula and options (`relu`'s `max_value`, `leaky_relu`'s `negative_slope`, `gelu`'s `approximate`)
# 4. choose an output activation for class probabilities, independent yes/no outputs or log-probabilities, and use `log_softmax` where `log(softmax(x))` fails
# 5. recognise dead ReLUs and vanishing sigmoid gradients in numbers, and explain both from the activation's derivative
#
# Practise it: 3 self-check exercises in the notebook; quiz questions 6, 9, 12.
#
# ### [03 · Layer weight initializers](03_initializers.ipynb)
#
# After it you can:
#
# 1. explain with Var(y) = n·Var(w)·E[x²] why the scale of the starting weights decides whether a signal survives many layers
# 2. compute the variance and the largest value of Glorot, He, LeCun and any `VarianceScaling` setting from a kernel's shape, convolution kernels included
# 3. choose the initializer that matches a layer's activation: He for ReLU, LeCun for SELU, Glorot for tanh, Orthogonal for recurrent kernels
# 4. make initial weights reproducible with seeds without giving two layers one initializer object
# 5. write an `Initializer` subclass that draws with `keras.random` and round-trips through `get_config` and `serialize`
#
# Practise it: 3 self-check exercises in the notebook; graded exercise `ex4_init_reg_constraint`.
#
# ### [04 · Layer weight regularizers](04_regularizers.ipynb)
#
# After it you can:
#
# 1. compute the penalty of `L1`, `L2`, `L1L2` and `OrthogonalRegularizer` on a weight matrix by hand (sums, no ½, mean |cosine|) before Keras does
# 2. attach regularizers to a layer's kernel, bias or output and find their penalties in `layer.losses`, `model.losses` and the loss `fit` and `evaluate` report
# 3. write a custom `Regularizer` subclass with `get_config` that a saved model reloads
# 4. explain from each penalty's slope why L1 leaves weights near zero while L2 only shrinks them, and read both effects on an overfitting network
#
# Practise it: 2 self-check exercises in the notebook; graded exercise `ex4_init_reg_constraint`.
#
# ### [05 · Layer weight constraints](05_constraints.ipynb)
#
# After it you can:
#
# 1. compute by hand what `MaxNorm`, `MinMaxNorm` (with `rate`), `NonNeg` and `UnitNorm` do to a kernel, per unit along `axis` rather than entry by entry
# 2. attach a constraint to a layer's weight and show that it holds after every optimizer step of `fit`, though not before the first one
# 3. write a custom `Constraint` subclass, with `get_config` when it has arguments, that survives saving and loading
# 4. fit a model whose coefficients must be non-negative with a `NonNeg` kernel, and show why clipping the unconstrained answer afterwards fits worse
#
# Practise it: 3 self-check exercises in the notebook; graded exercise `ex4_init_reg_constraint`.
#
# ### [06 · Core layers](06_core_layers.ipynb)
#
# After it you can:
#
# 1. predict the output shape and parameter count of `Dense`, `EinsumDense`, `Embedding` and `ReversibleEmbedding` from their arguments (`Dense` mixes only the last axis)
# 2. start a model with `keras.Input` and give a custom layer an `InputSpec` that refuses wrong inputs with a clear error
# 3. produce a padding mask with `Embedding(mask_zero=True)` or `Masking`, and fix a text model whose `Dense` scores every token instead of the sentence
# 4. choose between a `Lambda` and a `Layer` subclass: a `Lambda` creates no weights of its own, tracks a `keras.Variable` passed in `arguments=`, and loads from a file only with `safe_mode=False`
# 5. quantize a trained `Dense` layer to int8 and check how far its outputs and predictions move
#
# Practise it: 3 self-check exercises in the notebook; quiz questions 7, 8, 18.
#
# ### [07 · Convolution layers](07_convolution.ipynb)
#
# After it you can:
#
# 1. compute a 1-D convolution by hand and tell Keras's cross-correlation from a convolution with a flipped kernel
# 2. predict the output length and the receptive field of a convolution from kernel_size, strides, dilation_rate and padding
# 3. count the weights of standard, grouped, depthwise, separable and transposed convolution layers
# 4. explain a transposed convolution as a scatter-add (the transposed convolution matrix) and pick a kernel size that avoids checkerboards
# 5. set a kernel by hand with set_weights to build an edge detector or a blur and check it against SciPy
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [08 · Pooling layers](08_pooling.ipynb)
#
# After it you can:
#
# 1. recompute max and average pooling with a plain loop over windows and check a Keras pooling layer against it
# 2. predict the output shape of a pooling layer from pool_size, strides, padding, keepdims or output_size
# 3. name the input cells each adaptive pooling output reads, including the cells that neighbouring bins share
# 4. choose between windowed, global and adaptive pooling, e.g. for a classifier head that accepts any image size
# 5. explain what "same" padding does at the border and how much shift tolerance max pooling really gives
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [09 · Recurrent layers](09_recurrent.ipynb)
#
# After it you can:
#
# 1. describe a recurrent layer as one cell looped over time with shared weights, and count the weights of SimpleRNN, GRU and LSTM
# 2. recompute a step of SimpleRNN, GRU or LSTM in NumPy from the layer's own weights, with the gates in Keras's order
# 3. predict what a recurrent layer returns under return_sequences and return_state, and start another layer from its state
# 4. handle padded sequences with masking and build models with stacked, Bidirectional and TimeDistributed layers
# 5. train a small GRU forecaster and judge it against a naive baseline
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [10a · Preprocessing layers: text, numeric and categorical features](10a_preprocessing_text_numeric.ipynb)
#
# After it you can:
#
# 1. predict the vocabulary and the ids `TextVectorization` produces, including padding, `[UNK]`, `max_tokens` and `output_sequence_length`
# 2. compute a `tf_idf` row in NumPy and choose between the `int`, `multi_hot`, `count` and `tf_idf` output modes
# 3. standardize and bin numeric features with `Normalization` and `Discretization`, and map scaled predictions back with `invert=True`
# 4. predict the ids `StringLookup` and `IntegerLookup` give with and without a mask token, and encode categories with `CategoryEncoding`, `Hashing` or `HashedCrossing`
# 5. feed string features to a model on any backend by vectorizing them in a `tf.data` pipeline
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [10b · Preprocessing layers: images, audio, and where preprocessing runs](10b_preprocessing_image_audio.ipynb)
#
# After it you can:
#
# 1. resize, rescale and crop images with `Resizing`, `Rescaling` and `CenterCrop`, predicting the output shape and the window that `crop_to_aspect_ratio` or `CenterCrop` keeps
# 2. say which interpolation methods each backend supports and why downsizing without `antialias=True` aliases
# 3. turn a waveform into an `STFTSpectrogram` or a `MelSpectrogram` and predict its number of frames, its number of bins and its axis order
# 4. run the same preprocessing inside the model or in a `tf.data` pipeline with `Pipeline`, on any backend
#
# Practise it: 2 self-check exercises in the notebook.
#
# ### [10c · Augmentation layers, part 1: geometry, mixing and bounding boxes](10c_augmentation.ipynb)
#
# After it you can:
#
# 1. say whether an augmentation layer transforms its input in `fit`, in `predict`, in a plain call and with `training=False`, and prove it with one assert
# 2. turn a layer's `factor` into pixels or degrees and predict the exact output of a fixed translation, rotation or zoom in NumPy
# 3. mix images and one-hot labels with `MixUp` and `CutMix`, and read each image's partner and weight back from the mixed labels
# 4. keep bounding boxes consistent with flipped pixels (`bounding_box_format`) and pad them to a fixed count with `MaxNumBoundingBoxes`
# 5. build an augmentation block in front of a model whose output shape is the same in training and inference
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [10d · Augmentation layers, part 2: colour, contrast and intensity](10d_augmentation_color.ipynb)
#
# After it you can:
#
# 1. say which colour layers are the identity at inference and which always run (`AutoContrast`, CLAHE), and prove it for any layer with one assert
# 2. reproduce the outputs of `RandomInvert`, `RandomPosterization`, `RandomBrightness`, `AutoContrast` and `RandomGrayscale` with a NumPy formula
# 3. choose `value_range` and `factor` so that a layer does what you mean (images in 0–1 or 0–255, "always" or a drawn probability)
# 4. show with a batch of identical images that `RandAugment` draws one chain of operations per call and a strength per image
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [11 · Normalization layers](11_normalization.ipynb)
#
# After it you can:
#
# 1. say which numbers share a mean and variance in each of the five layers, and which axes `axis` and `groups` select
# 2. reproduce a normalization layer's output in NumPy, with the biased variance and epsilon inside the square root
# 3. predict `BatchNormalization`'s moving statistics after k training steps from `momentum`, and which statistics training mode, inference mode and a frozen layer use
# 4. explain why a network that trains well with batch normalization can fail in inference mode, and fix it by recalibrating the moving statistics
# 5. choose a normalization layer for a CNN, a Transformer block, a model trained with tiny batches and a cosine-similarity embedding
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [12 · Regularization layers](12_regularization_layers.ipynb)
#
# After it you can:
#
# 1. predict what `Dropout(rate)` returns in training mode and at inference (zeros, survivors scaled by 1/(1 − rate), the input itself) and say why it has no trainable parameters
# 2. choose `noise_shape` or `SpatialDropout1D/2D/3D` so that exactly the entries you want are dropped together
# 3. state the noise `GaussianDropout`, `GaussianNoise` and `AlphaDropout` inject and pick the one that fits a model
# 4. compute the penalty `ActivityRegularization` adds to `layer.losses` for a batch
# 5. tell overfitting from training and test errors, and show dropout trading a worse training fit for a better test fit
#
# Practise it: 3 self-check exercises in the notebook; quiz question 17.
#
# ### [13 · Attention layers](13_attention.ipynb)
#
# After it you can:
#
# 1. compute dot-product attention in NumPy from queries, keys and values, and explain with numbers why MultiHeadAttention divides the scores by √key_dim
# 2. predict the weight shapes of MultiHeadAttention and GroupQueryAttention from num_heads, key_dim, value_dim and the input widths
# 3. restrict what a position may attend to with padding masks, attention_mask and use_causal_mask, and check that masked pairs get weight 0
# 4. wire Attention, AdditiveAttention, MultiHeadAttention and GroupQueryAttention into functional models with the right call signature
# 5. read an attention map: tell an untrained head from a trained one that looks at the relevant key
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [14 · Reshaping layers](14_reshaping.ipynb)
#
# After it you can:
#
# 1. predict the output shape of any reshaping layer, knowing that its arguments leave out the batch axis
# 2. rebuild each reshaping layer with one NumPy operation: reshape, transpose, slicing, np.pad or np.repeat
# 3. tell Reshape from Permute when their output shapes agree, and say where each value ends up
# 4. say where bilinear UpSampling2D samples its input (half-pixel centres) and how that differs from align-corners
# 5. make shapes meet in a model: Flatten before Dense, Cropping2D for a skip connection, ZeroPadding2D before a convolution
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [15 · Merging layers](15_merging.ipynb)
#
# After it you can:
#
# 1. compute the output of every merging layer in NumPy, including Dot with an axes pair and normalize=True
# 2. predict the output shape of a merge and tell which input shapes raise an error and which broadcast
# 3. build functional models that merge branches: a residual block y = x + f(x), a two-input model and a shared-encoder similarity head
# 4. choose the merge for a task: skip connection, feature fusion, gating, ensemble or similarity
#
# Practise it: 2 self-check exercises in the notebook; graded exercise `ex5_residual_block`.
#
# ### [16 · Activation layers](16_activation_layers.ipynb)
#
# After it you can:
#
# 1. apply an activation in any of its four forms (a layer's `activation=` argument, an activation layer, a `keras.activations` function, or looked up with `keras.activations.get` and applied in a custom layer's `call`) and show they agree
# 2. tell which layers make a model non-linear, and test it with the affine defect f(u + v) − f(u) − f(v) + f(0)
# 3. predict the output of `ReLU(max_value, negative_slope, threshold)`, `LeakyReLU` and `ELU` for given inputs, including the defaults that differ from the functions'
# 4. mask a `Softmax` so that padded or forbidden positions get probability 0
# 5. count the slopes a `PReLU` learns for given `shared_axes`, and explain why leaky activations keep units that start dead learning
#
# Practise it: 3 self-check exercises in the notebook; quiz questions 6, 12.
#
# ### [17a · Backend-specific layers: which backend each needs, and `TFSMLayer`](17a_backend_specific_tfsm.ipynb)
#
# After it you can:
#
# 1. say which backend each of `TFSMLayer`, `JaxLayer`, `FlaxLayer` and `TorchModuleWrapper` needs, and what happens on the others
# 2. export a Keras model with `model.export` and reload it as a `TFSMLayer` that computes the same outputs
# 3. choose `call_endpoint` for a SavedModel written by `model.export` or by `tf.saved_model.save`, and explain why `load_model` opens neither
# 4. freeze a `TFSMLayer` and train a new head on its features
#
# Practise it: 2 self-check exercises in the notebook.
#
# ### [17b · `JaxLayer` and `FlaxLayer`: JAX code as Keras layers](17b_jax_flax_layers.ipynb)
#
# After it you can:
#
# 1. wrap a `jax.numpy` function and its parameters in a `JaxLayer`, with `init_fn` or `params=`
# 2. write a `call_fn` that receives `rng` and `training` and behaves differently in `fit` and at inference
# 3. wrap a `flax.linen` module in a `FlaxLayer` and read its parameters back as a Flax tree
# 4. train a model that mixes Keras layers with a JAX or Flax layer, and save and reload its weights
#
# Practise it: 3 self-check exercises in the notebook.
#
# ### [17c · `TorchModuleWrapper`: a PyTorch module inside a Keras model](17c_torch_module_wrapper.ipynb)
#
# After it you can:
#
# 1. wrap a `torch.nn.Module` in `keras.layers.TorchModuleWrapper` and train it with `fit` on the PyTorch backend
# 2. show that the wrapper's variables share memory with the module's parameters, and move them with `save_weights` and `load_weights`
# 3. convert between Keras's and PyTorch's layouts: channels-last images to channels first, and PyTorch kernels to Keras kernels
# 4. train a Keras layer from a plain PyTorch loop, because on this backend every Keras layer is a `torch.nn.Module`
#
# Practise it: 2 self-check exercises in the notebook.

# %% [markdown]
# ## Practice and assessment
#
# - [The 20-question quiz, with instant feedback](../quiz/practice.ipynb)
# - [Keras 3 review of the quiz's answer key](../quiz/keras3_review.ipynb): every fact the key relies on, proved
# - Graded exercises (nbgrader; write custom layers, graded automatically). In a class they reach you through *Assignments*; studying alone, open them here and run their checks:
#   - [ex1_simple_dense](../grading/release/ex1_simple_dense/ex1_simple_dense.ipynb)
#   - [ex2_serializable_layer](../grading/release/ex2_serializable_layer/ex2_serializable_layer.ipynb)
#   - [ex3_state_and_losses](../grading/release/ex3_state_and_losses/ex3_state_and_losses.ipynb)
#   - [ex4_init_reg_constraint](../grading/release/ex4_init_reg_constraint/ex4_init_reg_constraint.ipynb)
#   - [ex5_residual_block](../grading/release/ex5_residual_block/ex5_residual_block.ipynb)
# - For instructors: [a 6-week syllabus and a 3-session workshop](../docs/syllabus.md), with every quiz question and exercise mapped to the objectives it assesses

# %% [markdown]
# ## Every name, and where it is taught
#
# Names in **bold** come from the course's original outline; the others are the rest of the same Keras namespaces in the Keras this course pins. A test checks the installed Keras: a new public name that no notebook runs fails the test suite.
#
# | Name | Namespace | Section | Notebook |
# |---|---|---|---|
# | **`Layer`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb), [01b_layer_contract](01b_layer_contract.ipynb) |
# | **`weights`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb), [01b_layer_contract](01b_layer_contract.ipynb) |
# | **`trainable_weights`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb) |
# | **`non_trainable_weights`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb) |
# | **`add_weight`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb), [01b_layer_contract](01b_layer_contract.ipynb) |
# | **`trainable`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb), [01b_layer_contract](01b_layer_contract.ipynb) |
# | **`get_weights`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb), [01b_layer_contract](01b_layer_contract.ipynb) |
# | **`set_weights`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb), [01b_layer_contract](01b_layer_contract.ipynb) |
# | **`get_config`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb), [01b_layer_contract](01b_layer_contract.ipynb) |
# | **`add_loss`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb) |
# | **`losses`** | `keras.layers.Layer` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb) |
# | `serialize` | `keras.layers` | 01 The base Layer class | [01_layer_base](01_layer_base.ipynb), [01b_layer_contract](01b_layer_contract.ipynb) |
# | `deserialize` | `keras.layers` | 01 The base Layer class | [01b_layer_contract](01b_layer_contract.ipynb) |
# | **`relu`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`sigmoid`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`softmax`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`softplus`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`softsign`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`tanh`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`selu`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`elu`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`exponential`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`leaky_relu`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`relu6`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`silu`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`hard_silu`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`gelu`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`hard_sigmoid`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`linear`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`mish`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`log_softmax`** | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `celu` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `glu` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `hard_shrink` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `hard_tanh` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `log_sigmoid` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `soft_shrink` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `sparse_plus` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `sparse_sigmoid` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `sparsemax` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `squareplus` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `tanh_shrink` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `threshold` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `swish` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `hard_swish` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `get` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `serialize` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | `deserialize` | `keras.activations` | 02 Layer activations | [02_activations](02_activations.ipynb) |
# | **`RandomNormal`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`RandomUniform`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`TruncatedNormal`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`Zeros`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`Ones`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`GlorotNormal`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`GlorotUniform`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`HeNormal`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`HeUniform`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`Orthogonal`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`Constant`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`VarianceScaling`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`LecunNormal`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`LecunUniform`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`IdentityInitializer`** | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `Initializer` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `STFT` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `STFTInitializer` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `OrthogonalInitializer` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `Identity` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `constant` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `glorot_normal` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `glorot_uniform` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `he_normal` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `he_uniform` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `identity` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `lecun_normal` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `lecun_uniform` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `ones` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `orthogonal` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `random_normal` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `random_uniform` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `stft` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `truncated_normal` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `variance_scaling` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `zeros` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `get` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `serialize` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | `deserialize` | `keras.initializers` | 03 Layer weight initializers | [03_initializers](03_initializers.ipynb) |
# | **`Regularizer`** | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | **`L1`** | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | **`L2`** | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | **`L1L2`** | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | **`OrthogonalRegularizer`** | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | `l1` | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | `l2` | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | `l1_l2` | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | `orthogonal_regularizer` | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | `get` | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | `serialize` | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | `deserialize` | `keras.regularizers` | 04 Layer weight regularizers | [04_regularizers](04_regularizers.ipynb) |
# | **`Constraint`** | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | **`MaxNorm`** | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | **`MinMaxNorm`** | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | **`NonNeg`** | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | **`UnitNorm`** | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | `max_norm` | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | `min_max_norm` | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | `non_neg` | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | `unit_norm` | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | `get` | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | `serialize` | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | `deserialize` | `keras.constraints` | 05 Layer weight constraints | [05_constraints](05_constraints.ipynb) |
# | **`Input`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`InputSpec`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`Dense`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`EinsumDense`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`Activation`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`Embedding`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`Masking`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`Lambda`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`Identity`** | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | `InputLayer` | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | `ReversibleEmbedding` | `keras.layers` | 06 Core layers | [06_core_layers](06_core_layers.ipynb) |
# | **`Conv1D`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`Conv2D`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`Conv3D`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`SeparableConv1D`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`SeparableConv2D`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`DepthwiseConv1D`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`DepthwiseConv2D`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`Conv1DTranspose`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`Conv2DTranspose`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`Conv3DTranspose`** | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | `Convolution1D` | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | `Convolution2D` | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | `Convolution3D` | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | `Convolution1DTranspose` | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | `Convolution2DTranspose` | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | `Convolution3DTranspose` | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | `SeparableConvolution1D` | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | `SeparableConvolution2D` | `keras.layers` | 07 Convolution layers | [07_convolution](07_convolution.ipynb) |
# | **`MaxPooling1D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`MaxPooling2D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`MaxPooling3D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`AveragePooling1D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`AveragePooling2D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`AveragePooling3D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`GlobalMaxPooling1D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`GlobalMaxPooling2D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`GlobalMaxPooling3D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`GlobalAveragePooling1D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`GlobalAveragePooling2D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`GlobalAveragePooling3D`** | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AdaptiveAveragePooling1D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AdaptiveAveragePooling2D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AdaptiveAveragePooling3D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AdaptiveMaxPooling1D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AdaptiveMaxPooling2D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AdaptiveMaxPooling3D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `MaxPool1D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `MaxPool2D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `MaxPool3D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AvgPool1D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AvgPool2D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `AvgPool3D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `GlobalMaxPool1D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `GlobalMaxPool2D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `GlobalMaxPool3D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `GlobalAvgPool1D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `GlobalAvgPool2D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | `GlobalAvgPool3D` | `keras.layers` | 08 Pooling layers | [08_pooling](08_pooling.ipynb) |
# | **`LSTM`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`LSTMCell`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`GRU`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`GRUCell`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`SimpleRNN`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`TimeDistributed`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`Bidirectional`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`ConvLSTM1D`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`ConvLSTM2D`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`ConvLSTM3D`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`RNN`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`SimpleRNNCell`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`StackedRNNCells`** | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | `Wrapper` | `keras.layers` | 09 Recurrent layers | [09_recurrent](09_recurrent.ipynb) |
# | **`TextVectorization`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`Normalization`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`SpectralNormalization`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`Discretization`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`CategoryEncoding`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`Hashing`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`HashedCrossing`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`StringLookup`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`IntegerLookup`** | `keras.layers` | 10 Preprocessing layers | [10a_preprocessing_text_numeric](10a_preprocessing_text_numeric.ipynb) |
# | **`Resizing`** | `keras.layers` | 10 Preprocessing layers | [10b_preprocessing_image_audio](10b_preprocessing_image_audio.ipynb), [10c_augmentation](10c_augmentation.ipynb) |
# | **`Rescaling`** | `keras.layers` | 10 Preprocessing layers | [10b_preprocessing_image_audio](10b_preprocessing_image_audio.ipynb), [10c_augmentation](10c_augmentation.ipynb), [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | **`CenterCrop`** | `keras.layers` | 10 Preprocessing layers | [10b_preprocessing_image_audio](10b_preprocessing_image_audio.ipynb), [10c_augmentation](10c_augmentation.ipynb) |
# | **`RandomCrop`** | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | **`RandomFlip`** | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | **`RandomTranslation`** | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | **`RandomRotation`** | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | **`RandomZoom`** | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | **`RandomContrast`** | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | **`RandomBrightness`** | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `Pipeline` | `keras.layers` | 10 Preprocessing layers | [10b_preprocessing_image_audio](10b_preprocessing_image_audio.ipynb), [10c_augmentation](10c_augmentation.ipynb), [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `STFTSpectrogram` | `keras.layers` | 10 Preprocessing layers | [10b_preprocessing_image_audio](10b_preprocessing_image_audio.ipynb) |
# | `MelSpectrogram` | `keras.layers` | 10 Preprocessing layers | [10b_preprocessing_image_audio](10b_preprocessing_image_audio.ipynb) |
# | `MaxNumBoundingBoxes` | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | `AugMix` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `AutoContrast` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `ContrastLimitedAdaptiveHistogramEqualization` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `CutMix` | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | `Equalization` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `MixUp` | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | `RandAugment` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomColorDegeneration` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomColorJitter` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomElasticTransform` | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | `RandomErasing` | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | `RandomGaussianBlur` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomGrayscale` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomHue` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomInvert` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomPerspective` | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | `RandomPosterization` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomSaturation` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomSharpness` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | `RandomShear` | `keras.layers` | 10 Preprocessing layers | [10c_augmentation](10c_augmentation.ipynb) |
# | `Solarization` | `keras.layers` | 10 Preprocessing layers | [10d_augmentation_color](10d_augmentation_color.ipynb) |
# | **`BatchNormalization`** | `keras.layers` | 11 Normalization layers | [11_normalization](11_normalization.ipynb) |
# | **`LayerNormalization`** | `keras.layers` | 11 Normalization layers | [11_normalization](11_normalization.ipynb) |
# | **`UnitNormalization`** | `keras.layers` | 11 Normalization layers | [11_normalization](11_normalization.ipynb) |
# | **`GroupNormalization`** | `keras.layers` | 11 Normalization layers | [11_normalization](11_normalization.ipynb) |
# | `RMSNormalization` | `keras.layers` | 11 Normalization layers | [11_normalization](11_normalization.ipynb) |
# | **`Dropout`** | `keras.layers` | 12 Regularization layers | [12_regularization_layers](12_regularization_layers.ipynb) |
# | **`SpatialDropout1D`** | `keras.layers` | 12 Regularization layers | [12_regularization_layers](12_regularization_layers.ipynb) |
# | **`SpatialDropout2D`** | `keras.layers` | 12 Regularization layers | [12_regularization_layers](12_regularization_layers.ipynb) |
# | **`SpatialDropout3D`** | `keras.layers` | 12 Regularization layers | [12_regularization_layers](12_regularization_layers.ipynb) |
# | **`GaussianDropout`** | `keras.layers` | 12 Regularization layers | [12_regularization_layers](12_regularization_layers.ipynb) |
# | **`AlphaDropout`** | `keras.layers` | 12 Regularization layers | [12_regularization_layers](12_regularization_layers.ipynb) |
# | **`ActivityRegularization`** | `keras.layers` | 12 Regularization layers | [12_regularization_layers](12_regularization_layers.ipynb) |
# | `GaussianNoise` | `keras.layers` | 12 Regularization layers | [12_regularization_layers](12_regularization_layers.ipynb) |
# | **`GroupQueryAttention`** | `keras.layers` | 13 Attention layers | [13_attention](13_attention.ipynb) |
# | **`MultiHeadAttention`** | `keras.layers` | 13 Attention layers | [13_attention](13_attention.ipynb) |
# | **`Attention`** | `keras.layers` | 13 Attention layers | [13_attention](13_attention.ipynb) |
# | **`AdditiveAttention`** | `keras.layers` | 13 Attention layers | [13_attention](13_attention.ipynb) |
# | **`Reshape`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`Flatten`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`RepeatVector`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`Permute`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`Cropping1D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`Cropping2D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`Cropping3D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`UpSampling1D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`UpSampling2D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`UpSampling3D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`ZeroPadding1D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`ZeroPadding2D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`ZeroPadding3D`** | `keras.layers` | 14 Reshaping layers | [14_reshaping](14_reshaping.ipynb) |
# | **`Concatenate`** | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | **`Average`** | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | **`Maximum`** | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | **`Minimum`** | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | **`Add`** | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | **`Subtract`** | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | **`Multiply`** | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | **`Dot`** | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | `add` | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | `average` | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | `concatenate` | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | `dot` | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | `maximum` | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | `minimum` | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | `multiply` | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | `subtract` | `keras.layers` | 15 Merging layers | [15_merging](15_merging.ipynb) |
# | **`ReLU`** | `keras.layers` | 16 Activation layers | [16_activation_layers](16_activation_layers.ipynb) |
# | **`Softmax`** | `keras.layers` | 16 Activation layers | [16_activation_layers](16_activation_layers.ipynb) |
# | **`LeakyReLU`** | `keras.layers` | 16 Activation layers | [16_activation_layers](16_activation_layers.ipynb) |
# | **`PReLU`** | `keras.layers` | 16 Activation layers | [16_activation_layers](16_activation_layers.ipynb) |
# | **`ELU`** | `keras.layers` | 16 Activation layers | [16_activation_layers](16_activation_layers.ipynb) |
# | **`TorchModuleWrapper`** | `keras.layers` | 17 Backend-specific layers | [17a_backend_specific_tfsm](17a_backend_specific_tfsm.ipynb), [17c_torch_module_wrapper](17c_torch_module_wrapper.ipynb) |
# | **`TFSMLayer`** | `keras.layers` | 17 Backend-specific layers | [17a_backend_specific_tfsm](17a_backend_specific_tfsm.ipynb) |
# | **`JaxLayer`** | `keras.layers` | 17 Backend-specific layers | [17a_backend_specific_tfsm](17a_backend_specific_tfsm.ipynb), [17b_jax_flax_layers](17b_jax_flax_layers.ipynb) |
# | **`FlaxLayer`** | `keras.layers` | 17 Backend-specific layers | [17a_backend_specific_tfsm](17a_backend_specific_tfsm.ipynb), [17b_jax_flax_layers](17b_jax_flax_layers.ipynb) |
