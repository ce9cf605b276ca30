"""Every value the Close API documents for each status enum (anything else is kept raw)."""

# Known enum values (the spec's); anything else is kept as its raw string.
CALL_STATUSES = (
    "created",
    "in-progress",
    "completed",
    "cancel",
    "no-answer",
    "busy",
    "failed",
    "timeout",
)
SEQUENCE_STATUSES = ("active", "paused", "draft")
SUBSCRIPTION_STATUSES = ("active", "paused", "finished", "goal", "error")
STATUS_REASONS = (
    "manual",
    "pending-call-timed-out",
    "bulk-action",
    "rate-limited",
    "sequence-deleted",
    "workflow-paused",
    "filter-not-matched",
    "reply-received",
    "call-answered",
    "meeting-booked",
    "lead-status-changed",
    "outcome-met",
    "account-invalid",
    "account-failures",
    "sending-throttled-too-long",
    "membership-inactive",
    "send-as-error",
    "email-bounced",
    "call-failed",
    "sms-failed",
    "no-user-phone",
    "billing-error",
    "assignment-field-invalid",
    "lead-status-field-invalid",
    "assignees-missing",
    "run-as-disabled",
    "lead-not-visible",
    "internal-error",
    "field-mapping-error",
    "filter-config-invalid",
    "email-ai-generation-failed",
)
