"""Self-check exercises of notebook 10b (preprocessing: images, audio, and where it runs)."""

from __future__ import annotations

import numpy as np

from helpers.selfcheck import Exercise, NotYet, register

# (height, width, target height, target width): wide and tall images and targets, odd differences
# (where rounding the offset up or down matters), and a target with the image's own aspect ratio.
_CROPS = ((52, 80, 40, 40), (51, 80, 16, 24), (80, 45, 30, 20), (33, 64, 12, 40), (40, 60, 20, 30))


def _keras_window(height, width, target_height, target_width):
    """The window Keras cuts (keras.src.backend.*.image.resize): largest one with the target's ratio."""
    crop_h = max(min(height, int(width * target_height / target_width)), 1)
    crop_w = max(min(width, int(height * target_width / target_height)), 1)
    return (height - crop_h) // 2, (width - crop_w) // 2, crop_h, crop_w


def _check_crop_window(crop_window):
    import keras

    image = np.random.default_rng(10).uniform(0, 1, size=(80, 80, 1)).astype("float32")
    for height, width, target_h, target_w in _CROPS:
        got = crop_window(height, width, target_h, target_w)
        if got is None:
            raise NotYet("crop_window returned None: return (top, left, crop_height, crop_width).")
        try:
            top, left, crop_h, crop_w = (int(v) for v in got)
        except (TypeError, ValueError):
            raise NotYet(f"crop_window returned {got!r}: return four integers "
                         "(top, left, crop_height, crop_width).") from None
        photo = image[:height, :width]
        keras_out = keras.ops.convert_to_numpy(
            keras.layers.Resizing(target_h, target_w, crop_to_aspect_ratio=True)(photo))
        window = photo[top:top + crop_h, left:left + crop_w]
        if window.shape[:2] != (crop_h, crop_w) or min(top, left) < 0 or min(crop_h, crop_w) < 1:
            raise NotYet(f"for a {height}×{width} image your window rows {top}…{top + crop_h - 1}, columns "
                         f"{left}…{left + crop_w - 1} does not fit inside the image.")
        yours = keras.ops.convert_to_numpy(keras.layers.Resizing(target_h, target_w)(window))
        if not np.allclose(yours, keras_out, atol=1e-5):
            want = _keras_window(height, width, target_h, target_w)
            case = (f"for a {height}×{width} image and target {target_h}×{target_w}, Keras cuts "
                    f"{want}, you {(top, left, crop_h, crop_w)}")
            if (crop_h, crop_w) != want[2:]:
                raise NotYet(f"{case}: the window is the largest one with the target's height/width ratio "
                             "(keep the full height or the full width, sizes rounded down).")
            raise NotYet(f"{case}: the right size in the wrong place; the window is centred, with the "
                         "offset rounded down.")
    return "resizing your window equals Resizing(crop_to_aspect_ratio=True) on five image and target shapes."


register(Exercise(
    key="10b.1", title="The window crop_to_aspect_ratio keeps", minutes=15, objectives=(1,),
    task="Write crop_window(height, width, target_height, target_width) returning (top, left, "
         "crop_height, crop_width): the window of a height×width image that Resizing(target_height, "
         "target_width, crop_to_aspect_ratio=True) keeps before it resizes. Done when the check prints ✓ "
         "(it resizes your window and compares with Keras on five shapes, wide, tall and odd).",
    answer="crop_window",
    check_answer=_check_crop_window,
    hint="Keep the full height or the full width, whichever is the limit: crop_height = min(height, "
         "int(width · target_height / target_width)), and the same for the width; then centre the window "
         "with the offset rounded down.",
    solution='''
def crop_window(height, width, target_height, target_width):
    crop_height = min(height, int(width * target_height / target_width))
    crop_width = min(width, int(height * target_width / target_height))
    return (height - crop_height) // 2, (width - crop_width) // 2, crop_height, crop_width
''',
    wrong=(
        ('''
def crop_window(height, width, target_height, target_width):
    crop_height = min(height, int(width * target_height / target_width))
    crop_width = min(width, int(height * target_width / target_height))
    return 0, 0, crop_height, crop_width
''', "in the wrong place"),
        ('''
def crop_window(height, width, target_height, target_width):
    return (height - target_height) // 2, (width - target_width) // 2, target_height, target_width
''', "largest one"),
        ('''
import math

def crop_window(height, width, target_height, target_width):
    crop_height = min(height, int(width * target_height / target_width))
    crop_width = min(width, int(height * target_width / target_height))
    top, left = math.ceil((height - crop_height) / 2), math.ceil((width - crop_width) / 2)
    return top, left, crop_height, crop_width
''', "offset rounded down"),
    ),
))


# ---------------------------------------------------------------- 10b.2 spectrogram shapes

_SPECTROGRAMS = ((8000, 1, 256, 128, 256, 40), (999, 2, 200, 80, 256, 20), (513, 3, 64, 50, 128, 16))


def _check_spectrogram_shapes(spectrogram_shapes):
    import keras

    for samples, channels, frame_length, step, fft_length, mels in _SPECTROGRAMS:
        got = spectrogram_shapes(samples, channels, frame_length, step, fft_length, mels)
        if got is None:
            raise NotYet("spectrogram_shapes returned None: return (stft_shape, mel_shape), two tuples.")
        try:
            stft_got, mel_got = (tuple(int(n) for n in shape) for shape in got)
        except (TypeError, ValueError):
            raise NotYet(f"spectrogram_shapes returned {got!r}: return two tuples of integers.") from None
        stft = keras.layers.STFTSpectrogram(mode="magnitude", frame_length=frame_length, frame_step=step,
                                            fft_length=fft_length)
        mel = keras.layers.MelSpectrogram(fft_length=fft_length, sequence_stride=step, num_mel_bins=mels)
        stft_want = tuple(stft.compute_output_shape((1, samples, channels)))[1:]
        mel_want = tuple(mel.compute_output_shape((1, samples)))[1:]
        case = (f"samples={samples}, channels={channels}, frame_length={frame_length}, "
                f"frame_step={step}, fft_length={fft_length}, num_mel_bins={mels}")
        if stft_got != stft_want:
            raise NotYet(f"for {case} STFTSpectrogram gives (frames, channels × bins) = {stft_want}, you "
                         f"give {stft_got}: frames fit whole inside the signal ('valid'), and each channel "
                         "has fft_length // 2 + 1 bins.")
        if mel_got != mel_want:
            raise NotYet(f"for {case} MelSpectrogram gives (mel bins, frames) = {mel_want}, you give "
                         f"{mel_got}: mel bins come first, and the frames are centred (the signal is padded "
                         "by half a window), so there is one more frame than whole strides fit.")
    return "your shapes equal STFTSpectrogram's and MelSpectrogram's for three signals, stereo included."


register(Exercise(
    key="10b.2", title="Spectrogram shapes before you run the layer", minutes=15, objectives=(3,),
    task="Write spectrogram_shapes(samples, channels, frame_length, frame_step, fft_length, num_mel_bins) "
         "returning (stft_shape, mel_shape) without the batch axis: the shape STFTSpectrogram(frame_length, "
         "frame_step, fft_length) gives for a (1, samples, channels) input, and the shape "
         "MelSpectrogram(fft_length, sequence_stride=frame_step, num_mel_bins) gives for a (1, samples) "
         "input. Done when the check prints ✓ for three signals.",
    answer="spectrogram_shapes",
    check_answer=_check_spectrogram_shapes,
    hint="STFT: 1 + (samples − frame_length) // frame_step frames, channels · (fft_length // 2 + 1) "
         "values per frame. Mel: (num_mel_bins, 1 + samples // frame_step), mel bins first.",
    solution='''
def spectrogram_shapes(samples, channels, frame_length, frame_step, fft_length, num_mel_bins):
    stft_shape = (1 + (samples - frame_length) // frame_step, channels * (fft_length // 2 + 1))
    mel_shape = (num_mel_bins, 1 + samples // frame_step)
    return stft_shape, mel_shape
''',
    wrong=(
        ('''
def spectrogram_shapes(samples, channels, frame_length, frame_step, fft_length, num_mel_bins):
    stft_shape = (1 + (samples - frame_length) // frame_step, channels * (fft_length // 2 + 1))
    mel_shape = (1 + samples // frame_step, num_mel_bins)
    return stft_shape, mel_shape
''', "mel bins come first"),
        ('''
def spectrogram_shapes(samples, channels, frame_length, frame_step, fft_length, num_mel_bins):
    stft_shape = (1 + (samples - frame_length) // frame_step, fft_length // 2 + 1)
    mel_shape = (num_mel_bins, 1 + samples // frame_step)
    return stft_shape, mel_shape
''', "each channel"),
        ('''
def spectrogram_shapes(samples, channels, frame_length, frame_step, fft_length, num_mel_bins):
    stft_shape = (1 + (samples - frame_length) // frame_step, channels * (fft_length // 2 + 1))
    mel_shape = (num_mel_bins, 1 + (samples - fft_length) // frame_step)
    return stft_shape, mel_shape
''', "frames are centred"),
    ),
))
