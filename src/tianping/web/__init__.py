"""The Tianping web platform: a Django project whose apps call the library.

Business logic lives in each app's ``services.py`` (writes) and
``selectors.py`` (reads); views, forms, API endpoints and templates stay thin.
"""
