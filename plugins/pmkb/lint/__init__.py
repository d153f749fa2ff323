"""Blameless-language linter (SPEC "Blameless language").

Modules, in the order a body goes through them:

    rules.py    the shipped rules (pmkb/data/blameless.yml) merged with mkdocs.yml
    scope.py    which parts of a body are prose (code, quotes, links... are not)
    names.py    the people a postmortem names, turned into `{name}` tokens
    sentences.py  which sentences each pattern must search, from the words it needs
                (prefilter.py: its one most selective word group; clauses.py: all of them)
    linter.py   rules over one body -> findings with line, column, phrase, hint
    check.py    the KB check (warnings, code family BL) for `pmkb check` and the build
    vale.py     the rules in force as a Vale style (`pmkb lint-rules --format vale`), RE2-safe

Nothing is imported here, so `pmkb.settings` can reach `pmkb.lint.rules`
without a cycle.
"""
