"""公安交管 vehicles: plates and registrations of free adults."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.background.common import free_adults, hash_seconds, iso_time, random_day
from simulation.synth.deployment import Deployment
from simulation.synth.divisions import province_counties
from simulation.synth.population import Person


class Plates:
    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.used: set[str] = set()
        cities = sorted({c.city_code for c in province_counties(deployment.province).values()})
        self.letters = {city: vocab.PLATE_LETTERS[i % 9] for i, city in enumerate(cities)}
        self.province = vocab.PLATE_PROVINCE.get(deployment.province, "贵")

    def new(self, rng, person: Person) -> str:
        letter = self.letters.get(person.household.county.city_code, "A")
        while True:
            tail = "".join(rng.choice(vocab.PLATE_CHARACTERS[-10:]) for _ in range(4))
            plate = f"{self.province}{letter}{rng.choice(vocab.PLATE_CHARACTERS)}{tail}"
            if plate not in self.used:
                self.used.add(plate)
                return plate


def vehicle_item(
    plate: str,
    person: Person,
    vehicle_type: str,
    usage: str,
    register_date: dt.date,
    price: int | None,
    status: str = "正常",
    updated_at: str | None = None,
) -> dict:
    return {
        "plate_no": plate,
        "owner_id_number": person.id_number,
        "owner_name": person.name,
        "vehicle_type": vehicle_type,
        "usage": usage,
        "register_date": register_date.isoformat(),
        "purchase_price": price,
        "status": status,
        "updated_at": updated_at or iso_time(register_date, 9 * 3600 + hash_seconds(plate)),
    }


def vehicles(deployment: Deployment, plates: Plates) -> None:
    period = deployment.period
    for county in deployment.counties:
        rng = deployment.rng(county.code, "vehicle")
        # Nightly batch loads: several records share one updated_at.
        batch_times = [
            iso_time(random_day(rng, period.start, period.complete_end), 2 * 3600) for _ in range(3)
        ]
        for person in free_adults(deployment, county.code, 20, 70):
            if rng.random() > 0.14:
                continue
            kind = rng.random()
            if kind < 0.65:
                vehicle_type, usage = rng.choice(vocab.VEHICLE_TYPES_COUNTED), "非营运"
                price = rng.randint(45, 260) * 1000
                usage = "营运" if rng.random() < 0.08 else usage
            elif kind < 0.85:
                vehicle_type, usage, price = "摩托车", "非营运", rng.randint(3, 12) * 1000
            else:
                vehicle_type = rng.choice(("三轮汽车", "拖拉机", "轻型货车"))
                usage, price = "农用", rng.randint(8, 60) * 1000
            if rng.random() < 0.05:
                price = None
            register_date = random_day(rng, dt.date(2008, 1, 1), period.start)
            plate = plates.new(rng, person)
            item = vehicle_item(plate, person, vehicle_type, usage, register_date, price)
            deployment.vehicles.append(item)
            draw = rng.random()
            if draw < 0.04:
                changed = dict(item, status=rng.choice(("注销", "转出")))
                day = random_day(rng, period.start, period.complete_end)
                changed["updated_at"] = iso_time(day, 10 * 3600 + hash_seconds(plate))
                deployment.vehicles.append(changed)
            elif draw < 0.08:
                batched = dict(item, updated_at=rng.choice(batch_times))
                deployment.vehicles.append(batched)
