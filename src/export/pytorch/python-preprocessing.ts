/**
 * preprocessing.py: the data layer's transform (src/data/encode/apply.ts,
 * csv/cells.ts and images/resize.ts) ported to Python, driven by the same
 * preprocessing.json. Tested against the TypeScript on the same rows.
 */
export const PREPROCESSING_PY = String.raw`"""The studio's preprocessing, driven by preprocessing.json.

A port of Volt Studio's data layer: the same missing-value markers, number,
boolean and date parsing, standardisation, one-hot categories and image
resizing, so rows and images encode exactly as they did in the browser.
Needs only the standard library (tables) and numpy (images).
"""
import calendar
import datetime
import json
import math
import re

MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "#n/a", "missing"}
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
ISO_DATE = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
SLASH_YMD = re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})")
SLASH_XYY = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
TRUE_WORDS = {"true", "yes", "y", "t", "1"}
FALSE_WORDS = {"false", "no", "n", "f", "0"}


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    if spec.get("kind") not in ("table", "image") or spec.get("version") != 1:
        raise ValueError(f"{path} is not a version-1 table or image spec (kind {spec.get('kind')!r}, version {spec.get('version')!r})")
    return spec


def is_missing(cell):
    return cell is None or str(cell).strip().lower() in MISSING


def is_missing_in(cell, words):
    """Blank cells always; marker words only where the spec lists them (all of them when it has no list)."""
    if cell is None or str(cell).strip() == "":
        return True
    if words is None:
        return is_missing(cell)
    return str(cell).strip().lower() in words


def parse_number(cell, decimal_comma=False):
    s = cell.strip()
    if NUMBER.fullmatch(s):
        return float(s)
    if decimal_comma and DECIMAL_COMMA.fullmatch(s):
        return float(s.replace(",", ".", 1))
    return None


def parse_boolean(cell):
    s = cell.strip().lower()
    return True if s in TRUE_WORDS else False if s in FALSE_WORDS else None


def parse_date(cell, day_first=False):
    """Days since 1970-01-01 (UTC, fractional for times), or None."""
    s = cell.strip()
    hh = mm = ss = 0
    m = ISO_DATE.fullmatch(s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        hh, mm, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
    elif SLASH_YMD.fullmatch(s):
        m = SLASH_YMD.fullmatch(s)
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif SLASH_XYY.fullmatch(s):
        m = SLASH_XYY.fullmatch(s)
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        d, mo = (a, b) if day_first else (b, a)
    else:
        return None
    if mo < 1 or mo > 12 or d < 1 or d > 31 or hh > 23 or mm > 59 or ss > 60:
        return None
    if y < 1 or d > calendar.monthrange(y, mo)[1] or hh * 3600 + mm * 60 + ss >= 86400:
        return None
    return (calendar.timegm((y, mo, d, 0, 0, 0)) + hh * 3600 + mm * 60 + ss) / 86400


def date_part(days, part):
    """Year, month (1-12) or weekday (Monday 0) of a date in days since 1970, in UTC."""
    d = datetime.date(1970, 1, 1) + datetime.timedelta(days=math.floor(days))
    if part == "year":
        return float(d.year)
    if part == "month":
        return float(d.month)
    return float(d.weekday())


def read_feature_number(f, cell):
    if is_missing(cell):
        return math.nan
    if f["read"] == "date":
        v = parse_date(cell, f.get("dayFirst", False))
    elif f["read"] == "boolean":
        b = parse_boolean(cell)
        v = None if b is None else (1.0 if b else 0.0)
    else:
        v = parse_number(cell, f.get("decimalComma", False))
    return math.nan if v is None else v


def encode_row(spec, row):
    """One row (a dict from column name to cell text) → the feature vector, as a list of floats."""
    out = []
    for f in spec["features"]:
        cell = row.get(f["column"])
        cell = "" if cell is None else str(cell)
        if f["kind"] == "numeric":
            raw = read_feature_number(f, cell)
            missing = math.isnan(raw)
            out.append(((f["fill"] if missing else raw) - f["mean"]) / f["std"])
            for p in f.get("dateParts", []):
                out.append(((p["fill"] if missing else date_part(raw, p["part"])) - p["mean"]) / p["std"])
        else:
            missing = is_missing_in(cell, f.get("missing"))
            value = f["fill"] if missing else cell.strip()
            one_hot = [0.0] * (len(f["categories"]) + (1 if f["other"] else 0))
            if value is not None and value in f["categories"]:
                one_hot[f["categories"].index(value)] = 1.0
            elif value is not None and f["other"]:
                one_hot[-1] = 1.0
            out.extend(one_hot)
        if f["missingIndicator"]:
            out.append(1.0 if missing else 0.0)
    return out


def encode_target(target, cell):
    """Class index (-1 when missing or unknown) or the (standardised) regression value (nan when missing)."""
    cell = "" if cell is None else str(cell)
    if target["task"] == "classification":
        if is_missing_in(cell, target.get("missing")):
            return -1
        name = cell.strip()
        return target["classes"].index(name) if name in target["classes"] else -1
    if is_missing(cell):
        return math.nan
    if target.get("read") == "date":
        v = parse_date(cell, target.get("dayFirst", False))
    else:
        v = parse_number(cell, target.get("decimalComma", False))
    return math.nan if v is None else (v - target["mean"]) / target["std"]


def decode_regression(target, value):
    return value * target["std"] + target["mean"]


# Images ---------------------------------------------------------------------


def to_channels(rgba, channels, background=255):
    """H × W × 4 uint8 → H × W × channels floats in 0..255, transparency over a grey background."""
    import numpy as np

    rgba = np.asarray(rgba, dtype=np.float64)
    a = rgba[..., 3:4] / 255
    rgb = rgba[..., :3] * a + (1 - a) * background
    if channels == 1:
        return (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2])[..., None]
    return rgb


def _bilinear_matrix(size, out_size):
    import numpy as np

    m = np.zeros((out_size, size))
    scale = size / out_size
    for o in range(out_size):
        f = min(max((o + 0.5) * scale - 0.5, 0), size - 1)
        i0 = int(math.floor(f))
        i1 = min(i0 + 1, size - 1)
        w = f - i0
        m[o, i0] += 1 - w
        m[o, i1] += w
    return m


def _area_matrix(size, out_size):
    import numpy as np

    m = np.zeros((out_size, size))
    scale = size / out_size
    for o in range(out_size):
        start, end = o * scale, (o + 1) * scale
        for i in range(int(math.floor(start)), min(int(math.ceil(end)), size)):
            overlap = min(end, i + 1) - max(start, i)
            if overlap > 1e-9:
                m[o, i] = overlap / scale
    return m


def resize(pixels, out_width, out_height, method="auto"):
    """Resizes H × W × C floats as the studio does ('auto': area when shrinking, bilinear otherwise)."""
    import numpy as np

    h, w = pixels.shape[:2]
    if (w, h) == (out_width, out_height):
        return pixels.copy()
    if method == "auto":
        method = "area" if out_width <= w and out_height <= h else "bilinear"
    make = _area_matrix if method == "area" else _bilinear_matrix
    rows, cols = make(h, out_height), make(w, out_width)
    return np.einsum("oh,hwc,pw->opc", rows, pixels, cols)


def encode_image(spec, rgba):
    """H × W × 4 uint8 RGBA → height × width × channels float32 in [0, 1] (channels last, as tfjs)."""
    import numpy as np

    pixels = resize(to_channels(rgba, spec["channels"], spec["background"]), spec["width"], spec["height"], spec["resize"])
    return np.clip(pixels / 255, 0, 1).astype(np.float32)
`;
