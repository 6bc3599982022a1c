"""Dutch sentences for signals (templates in signalen.yaml, numbers via format_nl)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hicmonitor.analysis.signals import detect_signals, period_text, signal_sentence
from hicmonitor.analysis.signals.api import config


def test_alarm_sentence_from_a_real_signal():
    years = list(range(2015, 2025))
    counts = [900, 880, 860, 850, 870, 860, 880, 870, 860, 1234]
    frame = pd.DataFrame(
        {"region_code": "GM0855", "category": "woninginbraak", "year": years, "count": counts}
    )
    row = detect_signals(frame, period="year", periods=[2024]).iloc[0]
    assert row["alarm"]
    text = signal_sentence(row, region_name="Tilburg")
    exp, up = round(row["expected"]), round(row["upperbound"])
    assert text == (
        "In Tilburg lag het aantal woninginbraken in 2024 (1.234) boven wat de jaren ervoor "
        f"voorspellen (verwacht {exp}, bovengrens {up})."
    )


def test_no_alarm_small_numbers_and_provisional():
    row = {
        "period": 2025,
        "observed": 3,
        "expected": 2.456,
        "upperbound": 7.04,
        "alarm": False,
        "reason": None,
        "provisional": True,
    }
    text = signal_sentence(row, region_name="Vlieland", category="1.4.5")
    assert text == (
        "In Vlieland lag het aantal mishandelingen in 2025 (3) binnen wat de jaren ervoor "
        "voorspellen (verwacht 2,5, bovengrens 7,0). Het cijfer over 2025 is voorlopig."
    )


def test_no_signal_sentence_has_the_reason():
    row = {
        "period": 2016,
        "observed": 40,
        "expected": np.nan,
        "upperbound": np.nan,
        "alarm": False,
        "reason": "te kort voor een basislijn van 5 jaar",
    }
    assert signal_sentence(row, region_name="Utrecht", noun="geweldsdelicten") == (
        "Voor geweldsdelicten in Utrecht is over 2016 geen signaal berekend: te kort voor een "
        "basislijn van 5 jaar."
    )


def test_months_and_weeks():
    assert period_text("2024-03") == "maart 2024"
    assert period_text(pd.Timestamp("2024-01-29"), "week") == "week 5 van 2024"
    assert period_text("2024-W05") == "week 5 van 2024"
    row = {
        "period": "2024-03",
        "observed": 12,
        "expected": 5.0,
        "upperbound": 9.5,
        "alarm": True,
        "reason": None,
    }
    assert signal_sentence(row, region_name="cel 17", category="woninginbraak") == (
        "In cel 17 lag het aantal woninginbraken in maart 2024 (12) boven wat de maanden "
        "ervoor voorspellen (verwacht 5,0, bovengrens 9,5)."
    )


def test_templates_are_data():
    cfg = config()
    assert {"alarm", "no_alarm", "none"} <= set(cfg["sentences"])
    assert cfg["reasons"]["too_short"].startswith("te kort voor een basislijn van")


def test_too_few_cases_reads_well():
    frame = pd.DataFrame(
        {
            "region_code": "GM0096",
            "category": "woninginbraak",
            "year": range(2015, 2025),
            "count": [3, 1, 4, 2, 0, 1, 2, 3, 1, 6],
        }
    )
    row = detect_signals(frame, period="year", periods=[2024]).iloc[0]
    assert signal_sentence(row, region_name="Vlieland") == (
        "Voor woninginbraken in Vlieland is over 2024 geen signaal berekend: minder dan 10 "
        "gevallen in deze periode (te weinig voor een alarm)."
    )
