"""Reading text files (TOML, CSV) as UTF-8, with errors that say how to save a file that is not.

Excel's "CSV UTF-8" and Notepad's byte-order mark are accepted; GBK, UTF-16, a netCDF file and
other bytes are refused naming the first bad byte, its line and how to save the file as UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from hydro.errors import HydroError
from hydro.netcdf_read import SIGNATURES

_BOMS = ((b"\xef\xbb\xbf", None), (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _save_as(path: str | Path) -> str:
    """How to save ``path`` as UTF-8: Excel's way for a CSV file (a TOML file is edited as text)."""
    editor = "in an editor: encoding UTF-8"
    return f"in Excel: Save As > 'CSV UTF-8'; {editor}" if Path(path).suffix.lower() == ".csv" else editor


def decode_text(data: bytes, path: str | Path) -> str:
    """Decode the bytes of a text file as UTF-8, with or without a byte-order mark.

    Files saved by Excel as "CSV UTF-8" or by Windows Notepad start with a BOM; it
    is dropped.  Universal newlines (``\\r\\n``, ``\\r``) become ``\\n``.

    Raises
    ------
    HydroError
        ``FILE is not UTF-8 text (byte N ...): save it as UTF-8`` for any other
        encoding (GBK, Latin-1, UTF-16, binary data), naming the first bad byte and its line.
    """
    if data.startswith(SIGNATURES):
        raise HydroError(f"{path} is not UTF-8 text: it is a netCDF file (results of hydro run?); give the "
                         "text file (TOML or CSV) that goes there")
    offset = 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name:
                raise HydroError(f"{path} is not UTF-8 text (byte 0: a {name} byte-order mark): save it as "
                                 f"UTF-8 ({_save_as(path)})")
            offset = len(bom)
            break
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        pos = offset + exc.start
        line = data.count(b"\n", 0, pos) + 1
        bad = data[pos:pos + 4].hex(" ")
        if b"\x00" in data[:4096]:
            hint = " (binary data, not a text file?)"
        elif _looks_gbk(data):
            hint = " (GBK/GB18030, a Chinese Windows encoding?)"
        else:
            hint = ""
        raise HydroError(f"{path} is not UTF-8 text (byte {pos}, line {line}: {bad}){hint}: save it as "
                         f"UTF-8 ({_save_as(path)})") from None
    if "\x00" in text:
        pos = offset + len(text[:text.index("\x00")].encode("utf-8"))
        raise HydroError(f"{path} is not UTF-8 text (byte {pos}: a NUL byte; binary data or UTF-16?): "
                         "save it as UTF-8 text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_gbk(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def read_text(path: str | Path, kind: str = "text") -> str:
    """Read a text file as UTF-8 (BOM or not; see :func:`decode_text`).

    Raises
    ------
    HydroError
        A missing file, a folder, an unreadable file or one not in UTF-8.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise HydroError(f"{path}: file not found; check the path") from None
    except IsADirectoryError:
        raise HydroError(f"{path}: is a folder, expected a {kind} file") from None
    except PermissionError:
        raise HydroError(f"{path}: permission denied; make the file readable") from None
    except OSError as exc:
        raise HydroError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    return decode_text(data, path)


#: Characters a Chinese input method types for their ASCII twins: what each is, and what to write.
_LOOKALIKES = {
    "\u201c": ("a curly quote", "a straight '\"'"), "\u201d": ("a curly quote", "a straight '\"'"),
    "\u2018": ("a curly quote", "a straight \"'\""), "\u2019": ("a curly quote", "a straight \"'\""),
    "\uff1d": ("a full-width equals sign", "'='"), "\uff0c": ("a full-width comma", "','"),
    "\uff0e": ("a full-width full stop", "'.'"), "\uff1a": ("a full-width colon", "':'"),
    "\uff3b": ("a full-width bracket", "'['"), "\uff3d": ("a full-width bracket", "']'"),
    "\uff03": ("a full-width number sign", "'#'"), "\uff0d": ("a full-width minus", "'-'"),
    "\u00a0": ("a no-break space", "a plain space"), "\u3000": ("an ideographic space", "a plain space"),
    **{chr(0xFF10 + d): ("a full-width digit", f"'{d}'") for d in range(10)},
}


def lookalike_hint(line: str) -> str:
    """``"; column 8 is '“' (U+201C, a curly quote ...): use a straight '\"'"`` for the first character of
    ``line`` outside a string and a comment that a Chinese input method types for an ASCII one (it looks
    like its twin, or is invisible), else ``""``."""
    quote = ""
    for col, ch in enumerate(line, start=1):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return ""
        elif ch in _LOOKALIKES:
            what, use = _LOOKALIKES[ch]
            return f"; column {col} is '{ch}' (U+{ord(ch):04X}, {what} from a Chinese input method): use {use}"
    return ""
