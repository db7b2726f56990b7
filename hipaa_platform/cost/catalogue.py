"""The price catalogue (pricing/aws.yaml): on-demand list prices as data, each with its unit, region,
the date it was read and where. Nothing here reaches the network."""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

import yaml
from pydantic import Field, HttpUrl, ValidationError

from hipaa_platform.config.base import Model
from hipaa_platform.errors import UserError

CATALOGUE = Path(__file__).resolve().parents[2] / "pricing" / "aws.yaml"
EVERY_REGION = "all"  # a price its source states for every commercial region


class Quote(Model):
    region: str = Field(pattern=r"^([a-z]{2}-[a-z]+-\d|all|global)$")
    usd: float = Field(ge=0)
    source: HttpUrl
    read_on: datetime.date
    note: str = ""


class PricedItem(Model):
    unit: str = Field(min_length=1)
    description: str = Field(min_length=1)
    quotes: tuple[Quote, ...] = Field(min_length=1)


class Catalogue(Model):
    prices: dict[str, PricedItem]

    def quote(self, key: str, region: str) -> Quote | None:
        """The price of `key` in `region`: the region's own, else one stated for every region."""
        item = self.prices.get(key)
        if item is None:
            return None
        by_region = {q.region: q for q in item.quotes}
        return by_region.get(region) or by_region.get(EVERY_REGION)

    def unit(self, key: str) -> str | None:
        item = self.prices.get(key)
        return item.unit if item else None


@cache
def load_catalogue(path: Path = CATALOGUE) -> Catalogue:
    try:
        return Catalogue.model_validate(yaml.safe_load(path.read_text()))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise UserError(f"{path}: {field}: {first['msg']}") from None
