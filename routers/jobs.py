"""Router jobs: thin wrappers that re-read rows and call services."""
