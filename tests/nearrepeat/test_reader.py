"""The incident reader on the real public files and on small bad files."""

from __future__ import annotations

import csv
import gzip

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from hicmonitor.analysis.nearrepeat import event_times
from hicmonitor.errors import HicError, InputError
from hicmonitor.sources.incidents import read_incidents


def test_chicago_four_years(incidents_dir):
    path = incidents_dir / "chicago_burglary_2014_2017.csv"
    s = read_incidents(path, crs="EPSG:26971")
    raw = pd.read_csv(path)
    assert len(s.frame) == len(raw) == 45319
    np.testing.assert_array_equal(s.frame["x"], raw["x"])
    # dd/mm/yyyy: compare with an independent parse
    expected = pd.to_datetime(raw["date_single"], format="%d/%m/%Y").to_numpy()
    np.testing.assert_array_equal(s.frame["t_from"].to_numpy(dtype="datetime64[ns]"), expected)
    assert s.precision == "dag" and s.crs == "EPSG:26971"


def test_nearrepeat_example_without_header(incidents_dir):
    s = read_incidents(incidents_dir / "chicago_be_month1.csv")
    assert len(s.frame) == 970
    assert s.frame["t_from"].min() == pd.Timestamp("2015-12-31")
    assert s.frame["t_from"].max() == pd.Timestamp("2016-01-31")
    assert s.layout.startswith("x,y,datum")


def test_cincinnati_deduplicated_and_missing_coordinates(incidents_dir):
    path = incidents_dir / "cincinnati_burglary_2016_2018.csv.gz"
    with pytest.raises(InputError) as err:
        read_incidents(path)
    assert "regel" in str(err.value) and "--sla-ongeldige-over" in str(err.value)
    s = read_incidents(path, skip_invalid=True)
    with gzip.open(path, "rt") as fh:
        rows = list(csv.DictReader(fh))
    no_coords = [i + 2 for i, r in enumerate(rows) if r["longitude"] == "NA"]
    assert s.skipped_lines == no_coords and len(no_coords) == 426
    valid = [r for r in rows if r["longitude"] != "NA"]
    assert len(s.frame) == len({r["incident_no"] for r in valid})
    assert s.duplicates == len(valid) - len(s.frame)
    assert s.precision == "tijd"
    # projected to UTM 16N (Cincinnati), first row kept per incident
    first = {}
    for r in valid:
        first.setdefault(r["incident_no"], r)
    r0 = first[s.frame["id"].iloc[0]]
    x, y = Transformer.from_crs(4326, 32616, always_xy=True).transform(
        float(r0["longitude"]), float(r0["latitude"])
    )
    assert s.crs == "EPSG:32616"
    assert s.frame["x"].iloc[0] == pytest.approx(x) and s.frame["y"].iloc[0] == pytest.approx(y)
    ticks, tpd = event_times(s.frame, s.precision)
    assert tpd == 86400
    assert ticks[0] == pd.Timestamp(r0["offense_date"].rstrip("Z")).value // 10**9


def test_nottingham_month_only_is_refused_for_day_bands(incidents_dir):
    s = read_incidents(incidents_dir / "nottingham_burglary_2022.csv.gz")
    assert s.precision == "maand"
    assert (s.frame["t_to"].dt.month == s.frame["t_from"].dt.month).all()
    with pytest.raises(HicError, match="alleen de maand"):
        event_times(s.frame, s.precision)


def write(tmp_path, text, name="in.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_bad_date_is_reported_with_line_and_field(tmp_path):
    p = write(tmp_path, "id,x,y,datum\n1,155000,463000,2024-01-02\n2,155010,463000,gisteren\n")
    with pytest.raises(InputError) as err:
        read_incidents(p)
    assert err.value.line == 3 and err.value.field == "datum"
    assert "gisteren" in str(err.value)


def test_bad_rows_skipped_only_with_flag_and_counted(tmp_path):
    p = write(
        tmp_path,
        "id,x,y,datum\n1,155000,463000,2024-01-02\n2,,463000,2024-01-03\n"
        "3,155000,abc,2024-01-04\n4,155020,463010,2024-01-05\n",
    )
    with pytest.raises(InputError) as err:
        read_incidents(p)
    assert err.value.line == 3 and err.value.field == "x" and "2 regel(s)" in str(err.value)
    s = read_incidents(p, skip_invalid=True)
    assert list(s.frame["id"]) == ["1", "4"]
    assert s.skipped_lines == [3, 4]


def test_lonlat_given_as_metres_is_refused(tmp_path):
    p = write(tmp_path, "x,y,datum\n4.89,52.37,2024-01-02\n5.12,52.09,2024-01-03\n")
    with pytest.raises(InputError, match="graden"):
        read_incidents(p)
    with pytest.raises(InputError, match="buiten het gebied"):
        read_incidents(p, crs="EPSG:28992")


def test_lonlat_in_the_netherlands_goes_to_rd_new(tmp_path):
    p = write(tmp_path, "longitude,latitude,datum\n5.387206,52.155174,02-01-2024\n")
    s = read_incidents(p)
    assert s.crs == "EPSG:28992"
    # Amersfoort, the origin of RD New: (155000, 463000)
    assert s.frame["x"].iloc[0] == pytest.approx(155000, abs=1)
    assert s.frame["y"].iloc[0] == pytest.approx(463000, abs=1)
    assert s.frame["t_from"].iloc[0] == pd.Timestamp("2024-01-02")


def test_time_window_and_location(tmp_path):
    p = write(
        tmp_path,
        "id;x;y;van;tot;locatie_id\n"
        "a;155000;463000;01-03-2024 08:00;01-03-2024 18:00;L1\n"
        "b;155000;463000;05-03-2024;;L1\n",
    )
    s = read_incidents(p)
    assert list(s.frame["location_id"]) == ["L1", "L1"]
    ticks, tpd = event_times(s.frame, s.precision, "midden")
    assert tpd == 86400
    assert ticks[0] == pd.Timestamp("2024-03-01 13:00").value // 10**9
    p2 = write(tmp_path, "id,x,y,van,tot\n1,155000,463000,2024-03-02,2024-03-01\n", "w.csv")
    with pytest.raises(InputError, match="vóór het begin") as err:
        read_incidents(p2)
    assert err.value.field == "tot"


def test_non_metric_crs_is_refused(tmp_path):
    p = write(tmp_path, "x,y,datum\n1000000,2000000,2024-01-02\n")
    with pytest.raises(InputError, match="niet in meters"):
        read_incidents(p, crs="EPSG:3735")  # Ohio South, US survey feet


# --- issue 11: stated date formats, ambiguous day/month ---------------------------------------


def test_ambiguous_slash_dates_with_times_are_refused(tmp_path):
    p = write(
        tmp_path, "x,y,datum\n155000,463000,03/04/2016 10:00\n155100,463000,01/02/2016 11:30\n"
    )
    with pytest.raises(InputError, match=r"regel 2.*dubbelzinnig.*--datumformaat"):
        read_incidents(p)
    s = read_incidents(p, date_format="%m/%d/%Y %H:%M")
    assert s.frame["t_from"].iloc[0] == pd.Timestamp("2016-03-04 10:00")
    assert s.precision == "tijd"


def test_one_unambiguous_date_settles_the_order(tmp_path):
    p = write(tmp_path, "x,y,datum\n155000,463000,03/04/2016\n155100,463000,01/13/2016\n")
    s = read_incidents(p)
    assert list(s.frame["t_from"]) == [pd.Timestamp("2016-03-04"), pd.Timestamp("2016-01-13")]


def test_dates_whose_day_equals_the_month_are_not_ambiguous(tmp_path):
    p = write(tmp_path, "x,y,datum\n155000,463000,03/03/2016\n155100,463000,11/11/2016\n")
    assert read_incidents(p).frame["t_from"].iloc[1] == pd.Timestamp("2016-11-11")


def test_dutch_dashes_are_day_first(tmp_path):
    p = write(tmp_path, "x,y,datum\n155000,463000,03-04-2016\n155100,463000,01-02-2016\n")
    assert read_incidents(p).frame["t_from"].iloc[0] == pd.Timestamp("2016-04-03")


@pytest.mark.parametrize(
    ("pattern", "fmt"),
    [
        ("dd-mm-jjjj", "%d-%m-%Y"),
        ("mm/dd/jjjj", "%m/%d/%Y"),
        ("MM/DD/YYYY", "%m/%d/%Y"),
        ("jjjj-mm-dd uu:mm", "%Y-%m-%d %H:%M"),
        ("jjjj-mm-ddTuu:mm:ss", "%Y-%m-%dT%H:%M:%S"),
        ("%d.%m.%Y", "%d.%m.%Y"),
        ("jjjj-mm", "%Y-%m"),
    ],
)
def test_stated_date_formats(pattern, fmt):
    from hicmonitor.sources.incidents import strptime_format

    assert strptime_format(pattern) == fmt


@pytest.mark.parametrize("pattern", ["dd/mm", "xx-yy", "dd-dd-jjjj", "dd-mm-jjjj mm:uu", ""])
def test_bad_date_formats_name_the_option(pattern):
    from hicmonitor.sources.incidents import strptime_format

    with pytest.raises(HicError, match="--datumformaat"):
        strptime_format(pattern)


def test_a_huge_field_is_refused_with_its_line(tmp_path):
    big = "x" * (200 * 1024)
    p = write(tmp_path, f'x,y,datum\n155000,463000,01-02-2024\n155000,"{big}",01-02-2024\n')
    with pytest.raises(InputError, match=r"regel 3.*langer dan 128 kB") as err:
        read_incidents(p)
    assert len(str(err.value)) < 400  # the field is not echoed
