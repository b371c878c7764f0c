"""Every change to the directory: imports, listing edits and "checked" marks. Each is atomic and
audited in the same transaction. The directory holds no person data, so audit events carry no
person; their detail names fields and counts, never free text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from livingwell.access.audit import record
from livingwell.access.permissions import Permission, has_permission
from livingwell.core.refusals import Refused
from livingwell.directory.importer import Bundle, Row
from livingwell.directory.models import LinkEntity, Location, Organization, Service, Taxonomy
from livingwell.directory.tables import BY_NAME, Table
from livingwell.people.names import clean_name

AUDIT_CATEGORY = "directory"


class DirectoryError(Refused):
    """A directory change that cannot be made; the message is for the user."""


@dataclass(frozen=True)
class RowProblem:
    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.reason}"


class ImportRefused(DirectoryError):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"The file was not imported: {len(problems)} problem(s). Nothing was changed.\n"
            f"{shown}{more}\nFix the file, or use --skip-invalid to import the rest."
        )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated


def _merge_duplicates(rows: list[Row]) -> list[Row]:
    """The same record nested in many places (an organisation in each of its services) is one
    record: later mentions add to the first."""
    merged: dict[tuple[str, str], Row] = {}
    out: list[Row] = []
    for row in rows:
        rid = row.data.get("id")
        key = (row.table, str(rid).strip().lower()) if rid not in (None, "") else None
        if key is None or key not in merged:
            row = Row(row.table, row.where, dict(row.data))
            out.append(row)
            if key is not None:
                merged[key] = row
        else:
            merged[key].data.update(row.data)
    return out


# Rows stored per transaction. On SQLite a transaction that writes holds the one write lock of
# the whole database: a batch this size is stored in well under a second, so page requests that
# write (a front-door submission, a sign-in) queue behind one batch, never behind the whole file.
BATCH_ROWS = 200


class ImportStopped(DirectoryError):
    """A checked row could not be stored (the database changed under the import): the batches
    before it are stored, the rest are not; importing the file again completes it."""


@dataclass
class _Ready:
    row: Row
    instance: object
    created: bool


def import_directory(
    *,
    by,
    bundle: Bundle,
    source: str = "",
    skip_invalid: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Load HSDS rows, creating or updating each by its id. All or nothing unless skip_invalid,
    in which case bad rows (and rows that depend on them) are skipped and reported.

    Every row is checked first, only reading, so a refused file changes nothing. The checked rows
    are then stored in batches of BATCH_ROWS, each atomic with its own audit event, so that a long
    import never holds the database (on SQLite, its single write lock) for its whole length.
    Records are matched by id, so importing the same file again is harmless."""
    rows = _merge_duplicates(bundle.ordered())
    result = ImportResult()
    ready = _check_rows(rows, result, progress)
    if result.problems and not skip_invalid:
        raise ImportRefused(result.problems)
    batches = [ready[i : i + BATCH_ROWS] for i in range(0, len(ready), BATCH_ROWS)] or [[]]
    for number, batch in enumerate(batches, start=1):
        _store_batch(by=by, batch=batch, result=result, source=source, at=(number, len(batches)))
        if progress:
            progress("stored", min(number * BATCH_ROWS, len(ready)), len(ready))
    return result


def _check_rows(rows: list[Row], result: ImportResult, progress) -> list[_Ready]:
    """Each row built and validated against the database and the rows checked before it."""
    pending: dict[type, dict] = {}
    ready = []
    for n, row in enumerate(rows, start=1):
        problems, item = _prepare_row(row, pending)
        if problems:
            result.problems.extend(problems)
            result.skipped += 1
        else:
            pending.setdefault(type(item.instance), {})[item.instance.pk] = item.instance
            ready.append(item)
        if progress and (n % 500 == 0 or n == len(rows)):
            progress("checked", n, len(rows))
    return ready


@transaction.atomic
def _store_batch(*, by, batch: list[_Ready], result: ImportResult, source: str, at) -> None:
    stored_before = result.total
    for item in batch:
        try:
            with transaction.atomic():
                item.instance.save()
        except DatabaseError as exc:
            raise ImportStopped(
                f"The import stopped at {item.row.where}: it could not be stored ({exc}). "
                f"{stored_before} row(s) in earlier batches were stored; this batch and the rest "
                "were not. Import the file again to complete it."
            ) from exc
        if item.created:
            result.created += 1
        else:
            result.updated += 1
    # Recorded last, so that the audit chain's head is locked only at the end of the batch.
    record(
        by=by,
        action="directory.import",
        category=AUDIT_CATEGORY,
        purpose="directory",
        detail={
            "source": source[-200:],
            "batch": at[0],
            "batches": at[1],
            "created": result.created,
            "updated": result.updated,
            "skipped": result.skipped,
        },
    )


def _prepare_row(row: Row, pending: dict) -> tuple[list[RowProblem], _Ready | None]:
    table = BY_NAME[row.table]
    model = table.model
    fields = {f.attname: f for f in model._meta.concrete_fields}
    raw_id = row.data.get("id")
    if raw_id in (None, ""):
        return [RowProblem(row.where, "id", "required: every record needs a UUID id")], None
    try:
        pk = model._meta.pk.to_python(raw_id)
    except ValidationError:
        return [RowProblem(row.where, "id", f"{raw_id!r} is not a UUID")], None
    instance = model.objects.filter(pk=pk).first()
    created = instance is None
    if created:
        instance = model(pk=pk)
    problems = []
    for column, value in row.data.items():
        if column == "id":
            continue
        name = table.field_for(column)
        f = fields.get(name)
        if f is None:
            continue
        try:
            setattr(instance, name, _convert(f, value))
        except (ValidationError, TypeError, ValueError) as exc:
            problems.append(RowProblem(row.where, column, _reason(exc, value)))
    if problems:
        return problems, None
    if table.name == "taxonomy_term" and instance.taxonomy_id and instance.taxonomy_name:
        # The API fills "taxonomy" from the linked taxonomy's name; do not store it twice.
        linked = _found(Taxonomy, instance.taxonomy_id, pending)
        if linked is not None and linked.name == instance.taxonomy_name:
            instance.taxonomy_name = ""
    if isinstance(instance, Service | Organization | Location):
        # Shown to the public and to the Hub: the one rule for a typed name (people.names).
        try:
            instance.name = clean_name(instance.name)
        except ValidationError as exc:
            problem = RowProblem(row.where, table.column_for("name"), " ".join(exc.messages))
            return [problem], None
    problems = _check(instance, table, row.where, pending)
    if problems:
        return problems, None
    if isinstance(instance, Service | Organization) and not row.data.get("last_modified"):
        instance.last_modified = timezone.now()
    return [], _Ready(row, instance, created)


def _found(model, pk, pending: dict):
    """The record with this id among the rows checked so far, or already stored, or None."""
    found = pending.get(model, {}).get(pk)
    return found if found is not None else model.objects.filter(pk=pk).first()


def _convert(f, value):
    if value is None:
        return None if f.null else ""
    if f.is_relation:
        return f.target_field.to_python(value)
    if f.get_internal_type() in {"CharField", "TextField"}:
        if isinstance(value, dict | list):
            raise ValueError("expected text, got a nested object")
        return str(value)
    if f.get_internal_type() == "PositiveSmallIntegerField" and isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{value} is not a whole number")
        value = int(value)
    if f.get_internal_type() == "DateField" and isinstance(value, str) and "T" in value:
        value = value.split("T", 1)[0]
    return f.to_python(value)


def _reason(exc, value) -> str:
    if isinstance(exc, ValidationError):
        msgs = " ".join(str(m) % (exc.params or {}) for m in exc.messages)
        return f"{msgs} (got {value!r})"
    return f"{exc} (got {value!r})"


def _check(instance, table: Table, where: str, pending: dict) -> list[RowProblem]:
    """The model's own validation, counting a reference to a row checked earlier in the same
    file as present (it is stored in an earlier batch, or earlier in the same one)."""
    relations = [f for f in instance._meta.concrete_fields if f.is_relation]
    out = []
    try:
        instance.full_clean(exclude=[f.name for f in relations], validate_unique=False)
    except ValidationError as exc:
        out.extend(_problems(instance, table, where, exc.message_dict))
    for f in relations:
        value = getattr(instance, f.attname)
        if f.blank and value in f.empty_values:
            continue
        if value is not None and value in pending.get(f.related_model, {}):
            continue
        try:
            f.validate(value, instance)  # required, and stored already
        except ValidationError as exc:
            out.extend(_problems(instance, table, where, {f.name: exc.messages}))
    if out:
        return out
    if table.name == "attribute":
        target = {
            LinkEntity.SERVICE: Service,
            LinkEntity.ORGANIZATION: Organization,
            LinkEntity.LOCATION: Location,
        }.get(instance.link_entity)
        if target is not None and _found(target, instance.link_id, pending) is None:
            return [RowProblem(where, "link_id", f"no {instance.link_entity} with this id")]
    return []


def _problems(instance, table: Table, where: str, message_dict: dict) -> list[RowProblem]:
    out = []
    for name, messages in message_dict.items():
        f = next((x for x in instance._meta.concrete_fields if x.name == name), None)
        column = f"{name}_id" if f is not None and f.is_relation else table.column_for(name)
        if name == "__all__":
            column = "(row)"
        for msg in messages:
            if msg == "This field cannot be null.":
                msg = "required"
            out.append(RowProblem(where, column, msg))
    return out


# --- Editing listings ---------------------------------------------------------------------------


def can_edit(user, service: Service) -> bool:
    if has_permission(user, Permission.EDIT_ALL_DIRECTORY):
        return True
    if not has_permission(user, Permission.EDIT_OWN_DIRECTORY):
        return False
    owner = service.network_organisation_id or service.organization.network_organisation_id
    if owner is None:
        return False
    from livingwell.accounts.models import Membership

    return Membership.objects.current().filter(user=user, organisation_id=owner).exists()


EDITABLE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "fees",
    "minimum_age",
    "maximum_age",
    "alert",
    "is_public",
    "accepting_introductions",
    "typical_wait_days",
    "capacity_note",
)


@transaction.atomic
def update_service(*, by, service: Service, changes: dict, checked: bool = True) -> list[str]:
    """Change a listing's editable fields; saving counts as checking it unless checked=False."""
    service = Service.objects.select_for_update().select_related("organization").get(pk=service.pk)
    if not can_edit(by, service):
        raise DirectoryError("You can only edit your own organisation's listings.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DirectoryError(f"These fields cannot be edited here: {', '.join(sorted(unknown))}")
    if "name" in changes:
        try:
            changes = {**changes, "name": clean_name(changes["name"])}
        except ValidationError as exc:
            raise DirectoryError(" ".join(exc.messages)) from None
    changed = [k for k, v in changes.items() if getattr(service, k) != v]
    for k in changed:
        setattr(service, k, changes[k])
    if checked:
        service.last_checked = timezone.localdate()
    try:
        service.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise DirectoryError(" ".join(exc.messages)) from None
    if changed:
        service.last_modified = timezone.now()
    service.save()
    record(
        by=by,
        action="directory.service.update",
        category=AUDIT_CATEGORY,
        purpose="directory",
        obj=service,
        detail={"fields": sorted(changed), "checked": checked},
    )
    return changed


@transaction.atomic
def mark_checked(*, by, service: Service) -> Service:
    """The owner confirms the listing is still right today."""
    service = Service.objects.select_for_update().select_related("organization").get(pk=service.pk)
    if not can_edit(by, service):
        raise DirectoryError("You can only confirm your own organisation's listings.")
    service.last_checked = timezone.localdate()
    service.save(update_fields=["last_checked"])
    record(
        by=by,
        action="directory.service.checked",
        category=AUDIT_CATEGORY,
        purpose="directory",
        obj=service,
    )
    return service


@transaction.atomic
def set_owner(*, by, service: Service, organisation) -> Service:
    """Which network organisation owns the listing and takes handovers (administrators only)."""
    if not has_permission(by, Permission.EDIT_ALL_DIRECTORY):
        raise DirectoryError("Only a site administrator can change who owns a listing.")
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.network_organisation = organisation
    service.save(update_fields=["network_organisation"])
    record(
        by=by,
        action="directory.service.owner",
        category=AUDIT_CATEGORY,
        purpose="directory",
        obj=service,
        detail={"organisation": str(organisation.pk) if organisation else ""},
    )
    return service


NETWORK_FIELDS = (
    "network_organisation",
    "is_public",
    "accepting_introductions",
    "typical_wait_days",
    "capacity_note",
    "last_checked",
)


@transaction.atomic
def set_network_details(*, by, details: list[dict]) -> int:
    """System use (the seed command, bulk loads): set the network's own fields on many services.

    Each item: {"service_id": ..., <any of NETWORK_FIELDS>}. The owning network organisation is
    also linked to the service's directory organisation, as a network partner. Not for views:
    they use update_service/set_owner, which check who is asking."""
    n = 0
    for item in details:
        service = Service.objects.select_for_update().get(pk=item["service_id"])
        fields = [k for k in NETWORK_FIELDS if k in item]
        for k in fields:
            setattr(service, k, item[k])
        service.full_clean(validate_unique=False)
        service.save(update_fields=fields)
        owner = item.get("network_organisation")
        if owner is not None:
            Organization.objects.filter(pk=service.organization_id).update(
                network_organisation=owner
            )
        n += 1
    record(
        by=by,
        action="directory.network_details",
        category=AUDIT_CATEGORY,
        purpose="directory",
        detail={"services": n},
    )
    return n
