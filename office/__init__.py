"""ShopOffice: the back office package. docs/architecture.md explains the layers.

Map:
  config, db, extensions, clock, rules, request_cache, uploads, markup       -- the shared core
  htmx, access, errors, forms, pagination, i18n, cli, demo                   -- the shared web layer
  models/        every table, one module per domain, ALL_MODELS in FK order
  migrations/    numbered schema scripts applied by ``flask --app app migrate``
  auth/ people/ departments/ audit/ home/   accounts, the tree, the trail, the home page
  feed/ live/ inbox/ notices/ memos/        posts, live updates, notifications, notices, memos
  mainlines/ approvals/ orders/ api/        the business domains and the JSON API

Import rules: views -> pages, forms, rules, queries, models, tasks. Rules and models never
import views, tasks, flask.request or abort (tests/unit/test_architecture.py checks it).
"""
