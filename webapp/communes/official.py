"""The national list of provinces and communes/wards after 1/7/2025 (package ``vietnam-provinces``)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from vietnam_provinces import Province, Ward

from webapp.text import fold


@dataclass(frozen=True)
class OfficialCommune:
    """A commune, ward or special zone of the official list, with its province."""

    code: str
    name: str
    province_code: str
    province_name: str

    @property
    def short_name(self) -> str:
        """The name without "Xã"/"Phường"/"Đặc khu": "Thanh Trì" for "Xã Thanh Trì"."""
        for prefix in ("Xã ", "Phường ", "Đặc khu "):
            if self.name.startswith(prefix):
                return self.name[len(prefix):]
        return self.name


def normalise_code(raw: str | int | None) -> str | None:
    """``640``, ``"640"`` or ``"00640"`` → ``"00640"``; None when it is not a code at all."""
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or len(text) > 5:
        return None
    return text.zfill(5)


def _commune(ward: Ward) -> OfficialCommune:
    """Our record of a ward of the package."""
    province = Province.from_code(ward.province_code)
    return OfficialCommune(f"{int(ward.code):05d}", ward.name, f"{int(province.code):02d}", province.name)


@lru_cache(maxsize=1)
def _all() -> tuple[OfficialCommune, ...]:
    """Every commune of the list, by province then name."""
    return tuple(sorted((_commune(w) for w in Ward.iter_all()), key=lambda c: (c.province_code, c.name)))


@lru_cache(maxsize=1)
def _folded() -> tuple[tuple[str, OfficialCommune], ...]:
    """The communes with their diacritic-free names, for search."""
    return tuple((fold(c.name), c) for c in _all())


def provinces() -> list[tuple[str, str]]:
    """Every province and centrally-run city as ``(code, name)``, by name."""
    return sorted(((f"{int(p.code):02d}", p.name) for p in Province.iter_all()), key=lambda p: fold(p[1]))


def province_name(code: str) -> str | None:
    """The name of the province with this code, if any."""
    return dict(provinces()).get(str(code or "").zfill(2))


def find(code: str | int | None) -> OfficialCommune | None:
    """The commune of the list with this code (``640`` or ``00640``), if any."""
    wanted = normalise_code(code)
    if wanted is None:
        return None
    return next((c for c in _all() if c.code == wanted), None)


def search(province_code: str | None, query: str, limit: int = 30) -> list[OfficialCommune]:
    """Communes of a province whose name holds ``query`` from the start of a word, diacritics ignored
    ("thanh xa" finds "Thanh Xá", "thanh x" too); a code finds that commune."""
    by_code = find(query) if query.strip().isdigit() else None
    if by_code is not None:
        return [by_code]
    phrase = " " + fold(query)
    province = str(province_code or "").zfill(2) if province_code else None
    found = []
    for name, commune in _folded():
        if province and commune.province_code != province:
            continue
        if phrase in " " + name:
            found.append(commune)
            if len(found) >= limit:
                break
    return found
