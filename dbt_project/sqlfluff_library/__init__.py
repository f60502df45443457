"""Stand-ins for dbt's Jinja context when sqlfluff lints the project with the plain `jinja`
templater (fast, no warehouse, no `dbt parse`): `dbt.*` cross-database macros, `adapter`
and `exceptions`. They render placeholders of the right SQL shape, not dbt's exact SQL;
the rendered SQL only has to parse. dbt itself never imports this package.
"""
