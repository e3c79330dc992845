"use client";
import { Alert } from "@/components/form";
import { messageOf } from "@/shared/error-message";
import type { SecurityEventView } from "@/shared/schemas/admin";
import { describeSecurityEvent, WARNING_EVENTS } from "@/shared/security-events";
import { api } from "@/trpc/react";

const PAGE_SIZE = 10;

/** "by Ada Admin <ada@school.example> · from 203.0.113.7 · Firefox on Linux (desktop)" */
function context(event: SecurityEventView): string {
  const parts: string[] = [];
  if (event.actor) parts.push(`by ${event.actor.name}${event.actor.email ? ` <${event.actor.email}>` : ""}`);
  if (event.email) parts.push(event.email);
  if (event.ip) parts.push(`from ${event.ip}`);
  if (event.device) parts.push(event.device);
  if (typeof event.details.leftOutBefore === "number") parts.push(`${event.details.leftOutBefore} similar not recorded before`);
  return parts.join(" · ");
}

/** A user's recent security events, newest first (admins: the permission table's viewSecurityEvents). */
export function SecurityEventsList(props: { userId: string }) {
  const events = api.admin.securityEvents.useInfiniteQuery(
    { userId: props.userId, limit: PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor },
  );
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const headingId = `events-${props.userId}`;
  return (
    <section aria-labelledby={headingId} className="security-events">
      <h3 id={headingId}>Recent security events</h3>
      {events.error ? <Alert>{messageOf(events.error)}</Alert> : null}
      {events.isPending ? <p role="status">Loading…</p> : null}
      {items.length === 0 && !events.isPending && !events.error ? <p className="empty">No security events recorded.</p> : null}
      {items.length ? (
        <ol className="event-list" aria-label="Security events">
          {items.map((e) => (
            <li key={e.id} className={WARNING_EVENTS.has(e.type) ? "warning" : undefined}>
              <time dateTime={e.createdAt}>
                {new Date(e.createdAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
              </time>
              <span className="event-what">{describeSecurityEvent(e.type, e.details)}</span>
              <span className="event-context">{context(e)}</span>
            </li>
          ))}
        </ol>
      ) : null}
      {events.hasNextPage ? (
        <button
          type="button"
          className="button secondary small"
          disabled={events.isFetchingNextPage}
          onClick={() => void events.fetchNextPage()}
        >
          Load older events
        </button>
      ) : null}
    </section>
  );
}
