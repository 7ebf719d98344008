"""The tables a project ships its rows for and does not grow by use (BE104's catalogs): rows its migrations insert
or create, fixtures its code loads by name, and the models its running code makes rows of.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from backend_lint.analysis.model_growth import model_grows
from backend_lint.analysis.project.def_facts import DefFacts
from backend_lint.analysis.project.project_files import ProjectFiles
from backend_lint.analysis.seeded_tables import FIXTURE_MAX, FIXTURE_MIN, label_matches
from backend_lint.analysis.seeded_tables import fixture_rows as read_fixture_rows
from backend_lint.analysis.unique_models import names_match


class CatalogFacts(DefFacts):
    """Seeded and fixed tables of one project, and the models its running code grows."""

    files: ProjectFiles
    """The project's fixtures, among its other files (set by :class:`.model.ProjectModel`)."""

    def seeded(self, qualified: str) -> bool:
        """The model's table gets at least two rows of literal values from the project's migrations, or it is a
        Django model of which the fixtures the project's code loads and its data migrations' ``apps.get_model``
        creates hold a short list (DefectDojo's regulations, archivematica's transfer metadata fields)."""
        name, found = self.definition(qualified)
        if found is not None and bool(found.table) and self.seeded_tables.get(found.table, 0) >= 2:
            return True
        rows = sum(count for label, count in self.fixture_rows.items() if label_matches(label, name))
        created = sum(count for label, count in self.seeded_models.items() if label_matches(label, name))
        return found is not None and FIXTURE_MIN <= rows + created <= FIXTURE_MAX

    def fixed(self, qualified: str) -> bool:
        """The project ships the model's rows and makes none by use (:meth:`seeded` and :meth:`catalog`). A name
        imported from below a source folder the project does not start at (archivematica's ``main.models``, the
        project's ``src.main.models``) stands for the one class of that name in a module ending so
        (:meth:`loaded_classes`)."""
        names = [qualified] if self.definition(qualified)[1] is not None else self.loaded_classes(qualified)
        return len(names) == 1 and self.seeded(names[0]) and self.catalog(names[0])

    def catalog(self, qualified: str) -> bool:
        """The project's model class is not shown to grow with use: the project makes rows of other models by
        use (:attr:`.summary.ModuleSummary.writes_rows`), and of this one nowhere its running code reaches as a
        user (only in administrators-only code, migrations, Django's admin or one-off commands, or nowhere the
        code shows; :mod:`backend_lint.analysis.model_growth`)."""
        name, found = self.definition(qualified)
        if found is None or not found.bases or not self.writes_rows:
            return False
        model = name.rpartition(".")[2]
        # growth needs evidence: a table the project's running code makes no rows of by use is left alone
        return not model_grows(model, self.grown_models)

    @cached_property
    def writes_rows(self) -> bool:
        return any(summary.writes_rows for summary in self.modules.values()
                   if not {"test", "test_support", "migration"} & set(summary.roles))

    @cached_property
    def grown_models(self) -> frozenset[str]:
        """What the project's running code makes rows of, forms and serializers given the client's data read as
        their models."""
        forms: dict[str, str] = {}
        grown: set[str] = set()
        for summary in self.modules.values():
            if {"test", "test_support", "migration"} & set(summary.roles):
                continue
            forms.update(summary.model_forms)
            grown.update(summary.grown_models)
        return frozenset(grown | {forms[name] for name in grown if name in forms})

    @cached_property
    def fixture_rows(self) -> dict[str, int]:
        """``model label -> rows`` in the fixtures modules outside the tests load by name, each file read once."""
        names = {
            fixture for summary in self.modules.values() if not {"test", "test_support"} & set(summary.roles)
            for fixture in summary.loaded_fixtures
        }
        paths = sorted({self.files.fixtures[name] for name in names if name in self.files.fixtures})
        return _added_up(read_fixture_rows(path) for path in paths)

    @cached_property
    def seeded_models(self) -> dict[str, int]:
        """``app_label.model -> rows`` the data migrations create through ``apps.get_model``, added up."""
        return _added_up(summary.seeded_models for summary in self.modules.values())

    @cached_property
    def seeded_tables(self) -> dict[str, int]:
        """``table -> rows`` the migration modules insert with literal values, added up."""
        return _added_up(summary.seeded_tables for summary in self.modules.values())

    def unique_record(self, record: frozenset[str]) -> bool:
        """A model of a module that is not a test, named by words of ``record``, has a unique natural name."""
        return any(
            names_match(model, set(record))
            for summary in self.modules.values() if "test" not in summary.roles
            for model in summary.unique_models
        )


def _added_up(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Row counts per table or model from several sources (fixture files, migration modules), summed."""
    rows: dict[str, int] = {}
    for found in counts:
        for name, count in found.items():
            rows[name] = rows.get(name, 0) + count
    return rows
