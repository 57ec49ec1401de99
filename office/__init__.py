"""ShopOffice: the back office package.

Map:
  config, db, extensions, htmx, access, errors, cli, i18n  -- the shared core
  models/        every table, one module per domain, ALL_MODELS in FK order
  migrations/    numbered schema scripts applied by ``flask --app app migrate``
  auth/          login, logout, own password, language choice
  people/        the staff directory, profiles and user administration
  departments/   the department tree
  audit/         the append-only trail of sensitive actions and its viewer
  home/          the home page and /healthz

Import rules: views -> forms, rules, queries, models, tasks.
Rule modules and models never import views or tasks.
"""
