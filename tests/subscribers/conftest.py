from tests.radius.fixtures import *  # noqa: F403
