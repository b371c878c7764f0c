"""Reading directory files into flat HSDS rows, ready for `actions.import_directory`.

Two input shapes:
- ORUK JSON as the API serves it: a page of services (list or fully nested), one service, an
  array of services, an organisation with its services, services at locations, taxonomies and
  taxonomy terms. Nested records are flattened and given their parent's id.
- The HSDS tabular datapackage: a folder (or its datapackage.json) of CSV files named as in the
  standard (services.csv, organizations.csv, ...).

Each row keeps where it came from ("services.csv row 7", "contents[2].schedules[0]") so that a
bad row is reported by place, field and reason.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from livingwell.directory.tables import BY_NAME, BY_PATH, TABLES


class FileUnreadable(ValueError):
    """The file as a whole cannot be read (not JSON, not a datapackage, wrong shape)."""


@dataclass
class Row:
    table: str
    where: str
    data: dict


@dataclass
class Bundle:
    rows: list[Row] = field(default_factory=list)

    def add(self, table: str, where: str, data: dict) -> None:
        self.rows.append(Row(table, where, data))

    def ordered(self) -> list[Row]:
        order = {t.name: i for i, t in enumerate(TABLES)}
        return sorted(self.rows, key=lambda r: order[r.table])  # stable within a table

    def __len__(self) -> int:
        return len(self.rows)


def read(path: str | Path) -> Bundle:
    p = Path(path)
    if p.is_dir():
        return read_datapackage(p)
    if not p.exists():
        raise FileUnreadable(f"{p}: no such file or folder")
    if p.name == "datapackage.json":
        return read_datapackage(p.parent)
    if p.suffix.lower() == ".csv":
        return read_csv_files([p])
    try:
        doc = json.loads(p.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileUnreadable(f"{p.name}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise FileUnreadable(f"{p.name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return read_oruk_json(doc)


# --- ORUK JSON --------------------------------------------------------------------------------


def read_oruk_json(doc) -> Bundle:
    bundle = Bundle()
    if isinstance(doc, dict) and isinstance(doc.get("contents"), list):
        items, base = doc["contents"], "contents"
    elif isinstance(doc, list):
        items, base = doc, ""
    elif isinstance(doc, dict):
        items, base = [doc], None
    else:
        raise FileUnreadable("expected an ORUK object, an array of them or a page with contents")
    for i, item in enumerate(items):
        where = "(top level)" if base is None else f"{base}[{i}]" if base else f"[{i}]"
        if not isinstance(item, dict):
            raise FileUnreadable(f"{where}: expected an object")
        _record(bundle, item, where)
    return bundle


def _kind(item: dict) -> str:
    if "status" in item or "service_at_locations" in item:
        return "service"
    if "location" in item and "service" in item:
        return "service_at_location"
    if "services" in item or "organization_identifiers" in item:
        return "organization"
    if "taxonomy_terms" in item or ("version" in item and "term" not in item):
        return "taxonomy"
    if "term" in item or "parent_id" in item or "taxonomy_id" in item:
        return "taxonomy_term"
    if "website" in item or "logo" in item:
        return "organization"
    return "service"  # the commonest; its validation will say what is missing


def _record(bundle: Bundle, item: dict, where: str) -> None:
    kind = _kind(item)
    if kind == "service":
        _service(bundle, item, where)
    elif kind == "service_at_location":
        svc = item["service"]
        if isinstance(svc, dict):
            _service(bundle, svc, f"{where}.service")
        _sal(bundle, item, where, service_id=svc.get("id") if isinstance(svc, dict) else None)
    elif kind == "organization":
        _organization(bundle, item, where)
    elif kind == "taxonomy":
        _flat(bundle, "taxonomy", item, where)
        for j, term in enumerate(_list(item, "taxonomy_terms", where)):
            _flat(
                bundle,
                "taxonomy_term",
                {"taxonomy_id": item.get("id"), **term},
                f"{where}.taxonomy_terms[{j}]",
            )
    else:
        _flat(bundle, "taxonomy_term", item, where)


def _list(item: dict, key: str, where: str) -> list:
    value = item.get(key) or []
    if not isinstance(value, list):
        raise FileUnreadable(f"{where}.{key}: expected an array")
    return [v for v in value if isinstance(v, dict)]


def _flat(bundle: Bundle, table: str, item: dict, where: str, **parents) -> None:
    columns = BY_NAME[table].columns
    data = {k: v for k, v in item.items() if k in columns}
    for k, v in parents.items():
        if v is not None and data.get(k) in (None, ""):
            data[k] = v
    bundle.add(table, where, data)


def _organization(bundle: Bundle, org: dict, where: str) -> None:
    _flat(bundle, "organization", org, where)
    oid = org.get("id")
    for j, x in enumerate(_list(org, "organization_identifiers", where)):
        _flat(
            bundle,
            "organization_identifier",
            x,
            f"{where}.organization_identifiers[{j}]",
            organization_id=oid,
        )
    for j, svc in enumerate(_list(org, "services", where)):
        _service(
            bundle,
            {**svc, "organization_id": svc.get("organization_id") or oid},
            f"{where}.services[{j}]",
            with_org=False,
        )
    _attributes(bundle, org, where, "organization")


def _service(bundle: Bundle, svc: dict, where: str, with_org: bool = True) -> None:
    sid = svc.get("id")
    org = svc.get("organization")
    if with_org and isinstance(org, dict):
        _organization(bundle, org, f"{where}.organization")
    org_id = svc.get("organization_id") or (org.get("id") if isinstance(org, dict) else None)
    _flat(bundle, "service", {**svc, "organization_id": org_id}, where)
    for key, table in (
        ("schedules", "schedule"),
        ("service_areas", "service_area"),
        ("languages", "language"),
        ("funding", "funding"),
        ("cost_options", "cost_option"),
    ):
        for j, x in enumerate(_list(svc, key, where)):
            _flat(bundle, table, x, f"{where}.{key}[{j}]", service_id=sid)
    for j, c in enumerate(_list(svc, "contacts", where)):
        w = f"{where}.contacts[{j}]"
        _flat(bundle, "contact", c, w, service_id=sid)
        for k, p in enumerate(_list(c, "phones", w)):
            _phone(bundle, p, f"{w}.phones[{k}]", contact_id=c.get("id"))
    for j, p in enumerate(_list(svc, "phones", where)):
        _phone(bundle, p, f"{where}.phones[{j}]", service_id=sid)
    for j, sal in enumerate(_list(svc, "service_at_locations", where)):
        _sal(bundle, sal, f"{where}.service_at_locations[{j}]", service_id=sid)
    _attributes(bundle, svc, where, "service")


def _phone(bundle: Bundle, p: dict, where: str, **parents) -> None:
    _flat(bundle, "phone", p, where, **parents)
    for k, lang in enumerate(_list(p, "languages", where)):
        _flat(bundle, "language", lang, f"{where}.languages[{k}]", phone_id=p.get("id"))


def _sal(bundle: Bundle, sal: dict, where: str, service_id=None) -> None:
    loc = sal.get("location")
    loc_id = sal.get("location_id")
    if isinstance(loc, dict):
        lw = f"{where}.location"
        _flat(bundle, "location", loc, lw)
        loc_id = loc_id or loc.get("id")
        for j, a in enumerate(_list(loc, "addresses", lw)):
            _flat(bundle, "address", a, f"{lw}.addresses[{j}]", location_id=loc.get("id"))
        for j, a in enumerate(_list(loc, "accessibility", lw)):
            _flat(bundle, "accessibility", a, f"{lw}.accessibility[{j}]", location_id=loc.get("id"))
        for j, p in enumerate(_list(loc, "phones", lw)):
            _phone(bundle, p, f"{lw}.phones[{j}]", location_id=loc.get("id"))
        _attributes(bundle, loc, lw, "location")
    _flat(bundle, "service_at_location", sal, where, service_id=service_id, location_id=loc_id)
    for j, s in enumerate(_list(sal, "schedules", where)):
        _flat(
            bundle, "schedule", s, f"{where}.schedules[{j}]", service_at_location_id=sal.get("id")
        )


def _attributes(bundle: Bundle, item: dict, where: str, entity: str) -> None:
    for j, attr in enumerate(_list(item, "attributes", where)):
        w = f"{where}.attributes[{j}]"
        term = attr.get("taxonomy_term")
        if isinstance(term, dict):
            _flat(bundle, "taxonomy_term", term, f"{w}.taxonomy_term")
        _flat(
            bundle,
            "attribute",
            attr,
            w,
            link_id=item.get("id"),
            link_entity=entity,
            taxonomy_term_id=term.get("id") if isinstance(term, dict) else None,
        )


# --- Tabular datapackage ------------------------------------------------------------------------


def read_datapackage(folder: Path) -> Bundle:
    files = []
    descriptor = folder / "datapackage.json"
    if descriptor.exists():
        try:
            meta = json.loads(descriptor.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise FileUnreadable(f"datapackage.json: not valid JSON ({exc.msg})") from None
        for res in meta.get("resources", []):
            if isinstance(res, dict) and isinstance(res.get("path"), str):
                files.append(folder / res["path"])
    else:
        files = sorted(folder.glob("*.csv"))
    if not files:
        raise FileUnreadable(f"{folder}: no datapackage.json and no CSV files")
    return read_csv_files(files)


def read_csv_files(files) -> Bundle:
    bundle = Bundle()
    for f in files:
        table = BY_PATH.get(Path(f).name)
        if table is None:
            raise FileUnreadable(
                f"{Path(f).name}: not an HSDS table (expected one of {', '.join(sorted(BY_PATH))})"
            )
        if not Path(f).exists():
            raise FileUnreadable(f"{Path(f).name}: listed in the datapackage but missing")
        with open(f, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            unknown = [c for c in (reader.fieldnames or []) if c not in table.columns]
            if "id" not in (reader.fieldnames or []):
                raise FileUnreadable(f"{Path(f).name}: has no id column")
            if unknown:
                raise FileUnreadable(f"{Path(f).name}: unknown columns {', '.join(unknown)}")
            for i, row in enumerate(reader, start=2):  # row 1 is the header
                data = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
                bundle.add(table.name, f"{Path(f).name} row {i}", data)
    return bundle
