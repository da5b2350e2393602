import pytest

from gamestats_assets.generator.taxonomy import TaxonomyError, read_taxonomy, write_taxonomy_csv

from .conftest import TAXONOMIES


def test_xlsx_and_csv_pair_hold_the_same_taxonomy():
    workbook = read_taxonomy(TAXONOMIES / "mobile_rpg.xlsx")
    pair = read_taxonomy(TAXONOMIES / "mobile_rpg_events.csv")
    assert workbook.fingerprint() == pair.fingerprint()
    assert workbook.event_spec("stage_clear").properties == ("stage_id", "difficulty", "clear_time", "stars", "level")
    assert workbook.property_spec("level").constraint.low == 1 and workbook.property_spec("level").constraint.high == 150
    assert workbook.property_spec("country").constraint.choices == ("KR", "JP", "US", "TW", "TH", "DE")


@pytest.mark.parametrize("name", ["ecommerce", "saas"])
def test_shipped_csv_taxonomies_read(name):
    taxonomy = read_taxonomy(TAXONOMIES / f"{name}_events.csv")
    assert len(taxonomy.events) >= 10 and len(taxonomy.properties) >= 15


def _write_pair(tmp_path, events: str, properties: str):
    (tmp_path / "bad_events.csv").write_text(events)
    (tmp_path / "bad_properties.csv").write_text(properties)
    return tmp_path / "bad_events.csv"


@pytest.mark.parametrize(
    ("events", "properties", "message"),
    [
        ("event_name,event_tag,description,properties\nopen,session,,ghost\n",
         "name,type,description,constraint\nlevel,number,,1-10\n",
         r"bad_events\.csv, row 2: event 'open' references unknown properties \['ghost'\]"),
        ("event_name,event_tag,description,properties\nopen,session,,level\n",
         "name,type,description,constraint\nlevel,integer,,1-10\n",
         r"bad_properties\.csv, row 2: property 'level' has unknown type 'integer'"),
        ("event_name,event_tag,description,properties\nopen,session,,level\n",
         "name,type,description,constraint\nname,string,,\nlevel,number,,10-1\n",
         r"bad_properties\.csv, row 3: property 'level' has a bad constraint"),
        ("event_name,event_tag,description,properties\nopen,session,,level\n",
         "name,type,description,constraint\nlevel,number,,a;b\n",
         r"row 2: property 'level' has a bad constraint"),
        ("event_name,description,properties\nopen,,level\n",
         "name,type,description,constraint\nlevel,number,,1-10\n",
         r"missing columns \['event_tag'\]"),
    ],
)
def test_malformed_taxonomy_names_file_row_and_problem(tmp_path, events, properties, message):
    with pytest.raises(TaxonomyError, match=message):
        read_taxonomy(_write_pair(tmp_path, events, properties))


def test_malformed_xlsx_names_sheet_and_row(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "events"
    workbook["events"].append(["event_name", "event_tag", "description", "properties"])
    workbook["events"].append(["open", "session", "", "level"])
    sheet = workbook.create_sheet("properties")
    sheet.append(["name", "type", "description", "constraint"])
    sheet.append(["level", "number", "", "x-y"])
    workbook.save(tmp_path / "broken.xlsx")
    with pytest.raises(TaxonomyError, match=r"broken\.xlsx, sheet 'properties', row 2: property 'level'"):
        read_taxonomy(tmp_path / "broken.xlsx")


def test_csv_round_trip(tmp_path):
    taxonomy = read_taxonomy(TAXONOMIES / "saas_events.csv")
    assert read_taxonomy(write_taxonomy_csv(taxonomy, tmp_path)).fingerprint() == taxonomy.fingerprint()
