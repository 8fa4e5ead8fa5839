"""load_image (skfashion.photos): photos of any kind read as Fashion-MNIST images."""

import io

import numpy as np
import pytest
from PIL import Image

from skfashion import PHOTO_KINDS, load_image, make_photo


def test_every_test_image_round_trips_unchanged(fashion_test):
    for image in fashion_test.images:
        assert np.array_equal(load_image(image), image)


def _png(array, **kw) -> io.BytesIO:
    buf = io.BytesIO()
    Image.fromarray(array, **kw).save(buf, "PNG")
    buf.seek(0)
    return buf


# Renderings read more than 3 points below the raw images: on all 10,000 test
# images, the design's MLP misses on turned photos and all renderings at once
# (benchmarks/results/RESULTS.md); this 2,000-image MLP also on random scales.
KNOWN_MISSES = {"random scale", "random rotation", "random everything"}


def test_random_renderings_are_seeded_and_differ(garment):
    first = make_photo(garment, "random everything", random_state=3).getvalue()
    assert make_photo(garment, "random everything", random_state=3).getvalue() == first
    assert make_photo(garment, "random everything", random_state=4).getvalue() != first


@pytest.fixture(scope="module")
def fitted_mlp(small_train):
    from skfashion import make_fashion_pipeline

    X, y = small_train
    return make_fashion_pipeline(epochs=5, random_state=0).fit(X, y)


@pytest.fixture
def garment(fashion_test):
    return fashion_test.images[0]  # an ankle boot


def test_accepts_paths_files_arrays_and_pil_images(garment, tmp_path):
    path = tmp_path / "boot.png"
    Image.fromarray(garment).save(path)
    for source in (path, str(path), open(path, "rb"), Image.open(path), garment):
        np.testing.assert_array_equal(load_image(source), garment)


@pytest.mark.parametrize("kind", list(PHOTO_KINDS))
def test_photos_come_back_close_to_the_image(garment, kind):
    image = load_image(make_photo(garment, kind, random_state=0))
    assert image.shape == (28, 28) and image.dtype == np.uint8
    # The photo is 4x larger and resized back: close, not equal.
    assert np.abs(image.astype(int) - garment).mean() < 25, kind


def test_exif_orientation_is_applied(garment):
    rotated = load_image(make_photo(garment, "EXIF-rotated JPEG"))
    upright = load_image(make_photo(garment, "colour JPEG"))
    assert np.abs(rotated.astype(int) - upright).mean() < 3
    sideways = np.rot90(upright)
    assert np.abs(rotated.astype(int) - sideways).mean() > 20


def test_transparent_background_is_not_read_as_blank(garment):
    image = load_image(make_photo(garment, "transparent PNG"))
    assert image.max() > 240 and image[0, 0] == 0


def test_sixteen_bits_keep_their_levels(garment):
    image = load_image(make_photo(garment, "16-bit PNG"))
    assert len(np.unique(image)) > 50  # not thresholded to 2 levels


def test_palette_image():
    array = np.pad(np.full((20, 10), 200, np.uint8), 10)
    image = load_image(Image.fromarray(array).convert("P"))
    assert image.max() == 200 and image[0, 0] == 0


def test_uneven_background_comes_out_black(garment):
    photo = Image.open(make_photo(garment, "uneven 205-250"))
    assert np.ptp(np.asarray(photo)[0]) > 40  # the border is uneven
    on_white = load_image(make_photo(garment, "white"))
    assert np.abs(load_image(photo).astype(int) - on_white).mean() < 2


def test_dim_garment_is_stretched():
    photo = np.full((60, 40), 180, dtype=np.uint8)
    photo[10:50, 10:30] = 120  # grey on grey
    image = load_image(photo)
    assert image.max() == 255 and image[0, 0] == 0


@pytest.mark.parametrize(
    "image, match",
    [
        (np.full((40, 40), 255, np.uint8), r"No garment found.*uniform.*255 of 255"),
        (np.zeros((40, 40), np.uint8), r"No garment found.*0 of 255"),
        (np.full((40, 40), 0.5), r"No garment found.*128 of 255"),
        (np.zeros((5, 5, 2)), r"Expected one image of shape"),
        (np.zeros((2, 28, 28)), r"Expected one image of shape"),
        (-np.ones((5, 5)), "finite and non-negative"),
        (np.full((5, 5), np.nan), "finite and non-negative"),
        (np.full((5, 5), 300.0), r"Pixel values must lie in \[0, 255\]"),
        (np.array([["a"]]), "Expected numeric pixels"),
    ],
)
def test_bad_images_are_clear_value_errors(image, match):
    with pytest.raises(ValueError, match=match):
        load_image(image)


def test_white_jpeg_is_no_garment():
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), (255, 255, 255)).save(buf, "JPEG")
    buf.seek(0)
    with pytest.raises(ValueError, match="No garment found"):
        load_image(buf)


def test_bad_files_are_clear_value_errors(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    with pytest.raises(ValueError, match=r"Cannot read .*notes.txt as an image"):
        load_image(text)
    with pytest.raises(ValueError, match="Image file not found"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(ValueError, match="is a directory"):
        load_image(tmp_path)


def png_declaring(path, width, height):
    """A tiny PNG file whose header declares width x height pixels."""
    import struct
    import zlib

    buf = io.BytesIO()
    Image.new("L", (1, 1), 255).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    at = data.index(b"IHDR")
    data[at + 4 : at + 12] = struct.pack(">II", width, height)
    data[at + 17 : at + 21] = struct.pack(">I", zlib.crc32(bytes(data[at : at + 17])))
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "side, match",
    [
        (40_000, "declares more than 120,000,000 pixels"),  # past Pillow's own check
        (12_000, "declares 12,000 x 12,000 pixels, more than any photo"),
    ],
)
def test_sizes_no_photo_has_are_refused_before_decoding(tmp_path, side, match):
    import warnings

    from skfashion.photos import MAX_PIXELS

    assert side * side > MAX_PIXELS
    path = png_declaring(tmp_path / "bomb.png", side, side)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor Pillow's DecompressionBombWarning
        with pytest.raises(ValueError, match=match):
            load_image(path)


def test_broken_files_and_several_frames_are_value_errors(garment, tmp_path):
    photo = Image.open(make_photo(garment, "white")).convert("L")
    (tmp_path / "empty.png").write_bytes(b"")
    whole = io.BytesIO()
    photo.save(whole, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    frames = [photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    photo.save(tmp_path / "anim.gif", save_all=True, append_images=frames)
    photo.save(tmp_path / "pages.tiff", save_all=True, append_images=frames)
    for name, match in (
        ("empty.png", "Cannot read .*empty.png as an image"),
        ("cut.jpg", "Cannot read .*cut.jpg as an image: image file is truncated"),
        ("anim.gif", "anim.gif holds 2 frames"),
        ("pages.tiff", "pages.tiff holds 2 frames"),
    ):
        with pytest.raises(ValueError, match=match):
            load_image(tmp_path / name)
    # Odd modes that are one photo still read.
    for mode, ext in (("CMYK", "jpg"), ("1", "png"), ("LAB", "tiff")):
        # From RGB: Pillow 10.0 converts to LAB from RGB only.
        photo.convert("RGB").convert(mode).save(tmp_path / f"odd.{ext}")
        assert load_image(tmp_path / f"odd.{ext}").shape == (28, 28)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_large_photo_reads_as_its_small_self(garment, fmt):
    # Decoded small (JPEG's draft mode) or reduced before any float work.
    small = Image.open(make_photo(garment, "white")).convert("L")
    big = small.resize((small.width * 16, small.height * 16), Image.Resampling.BICUBIC)
    assert max(big.size) > 2048
    buf = io.BytesIO()
    big.save(buf, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    got = load_image(buf).astype(int)
    assert np.abs(got - load_image(small).astype(int)).mean() < 4


def test_photo_accuracy_within_3_points_of_the_raw_images(fitted_mlp, fashion_test):
    """The photo benchmark on 300 test images (all 10,000 in benchmarks/)."""
    rng = np.random.RandomState(0)
    idx = rng.permutation(len(fashion_test.target))[:300]
    images, y = fashion_test.images[idx], fashion_test.target[idx]
    raw = np.mean(fitted_mlp.predict(images) == y)
    accuracy = {}
    for kind in PHOTO_KINDS:
        photos = [
            load_image(make_photo(im, kind, random_state=i))
            for im, i in zip(images, idx, strict=True)
        ]
        accuracy[kind] = np.mean(fitted_mlp.predict(np.stack(photos)) == y)
    # The misses the benchmark measures on all 10,000 (docs/decisions: photos
    # from any renderer): the rest must be within 3 points.
    missed = {k: a for k, a in accuracy.items() if a < raw - 0.03}
    assert set(missed) <= KNOWN_MISSES, (missed, raw)


def test_load_images_reads_the_good_and_names_the_bad(garment, tmp_path):
    from skfashion import load_images

    bomb = png_declaring(tmp_path / "bomb.png", 40_000, 40_000)
    photo = make_photo(garment, "white")
    X, read, errors = load_images([bomb, garment, tmp_path, photo])
    assert X.shape == (2, 28, 28) and X.dtype == np.uint8 and read == [1, 3]
    np.testing.assert_array_equal(X[0], garment)
    assert sorted(errors) == [0, 2]
    assert "bomb.png declares more than" in errors[0] and "directory" in errors[2]
    empty, read, errors = load_images([])
    assert empty.shape == (0, 28, 28) and read == [] and errors == {}
