"""Provisioning has no job functions of its own: a Deployment is a job row
(background.models.JobRow), run by background.runner and recovered by the reaper."""
