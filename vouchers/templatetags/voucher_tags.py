"""What the batch partials read themselves: the partial is rendered by the sync job's push
as well as by the page, and the push only passes the batch and its counts."""

from django import template

from vouchers.services.failures import batch_failure, describe

register = template.Library()


@register.simple_tag
def failure_of(batch):
    return batch_failure(batch)


@register.filter
def sync_error(error):
    return describe(error)
