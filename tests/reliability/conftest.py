import pytest

from .server import Template


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    """The archive every server of the suite starts from, built once (some five seconds)."""
    return Template(tmp_path_factory.mktemp("reliability") / "template").build()


@pytest.fixture(scope="module")
def module_directory(tmp_path_factory, request):
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
