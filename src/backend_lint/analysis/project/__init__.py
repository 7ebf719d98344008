"""The project model: facts a reviewer reads outside the file being checked.

A rule sees one file. Whether a DRF list view is unbounded depends on ``REST_FRAMEWORK`` in ``settings.py``;
whether a ``print`` is a service's log line depends on whether only a console script reaches its module. The
project model answers such questions from *summaries*: plain data taken from every file of the project during
the same walk that runs the rules (:mod:`.summary`, :mod:`.extract`), plus ``pyproject.toml``, ``setup.cfg``,
``setup.py`` and the test configuration read as data (:mod:`.project_files`). It never imports or runs the
project's code.

Rules never wait for the model. A finding whose verdict depends on another file carries the project facts that
would make it wrong (:class:`.conditions.ProjectFact`, ``Rule.report(..., unless=...)``); once every summary is
in, :meth:`.model.ProjectModel.holds` settles each fact and :func:`.model.resolve` drops the findings a fact
refutes. A fact the model cannot establish does not hold, so without a project (one file, standard input) every
rule behaves as it does on what the file says.

- :mod:`.conditions`: the project facts findings can depend on;
- :mod:`.summary`: what one module tells the rest of the project (JSON-safe, cached with its result);
- :mod:`.extract`: taking a summary from a checked file's context;
- :mod:`.roots`: a file's project root and dotted module name;
- :mod:`.project_files`: console scripts and test settings from the packaging and test configuration;
- :mod:`.def_effects`, :mod:`.def_queries`: what each function's own body does (effects, queries it runs);
- :mod:`.def_facts`: what the project's functions and classes are and do across modules (re-exports followed);
- :mod:`.model`: the model of one project, built from its summaries, answering facts;
- :mod:`.index`: every summary of a project, from the cache or a summary-only pass (flake8, the editor, ``fix``).
"""
