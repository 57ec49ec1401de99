"""The baseline: a bare Flask "hello", served exactly like ShopOffice."""
from flask import Flask


def create_app():
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "hello"

    return app
