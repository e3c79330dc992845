"use client";
import Link from "next/link";
import { type FormEvent, useRef, useState } from "react";
import { Alert, SubmitButton } from "@/components/form";
import { appCodeOf, messageOf } from "@/shared/error-message";
import { type Actor, FLAG_LABELS, FLAG_NAMES, type FlagName, flagDecisionReason, may } from "@/shared/permissions";
import type { ListedUser } from "@/shared/schemas/admin";
import { api } from "@/trpc/react";
import styles from "./admin.module.css";
import { ConfirmItsYou } from "./confirm-its-you";
import { UserPanel } from "./user-panel";

const PAGE_SIZE = 25;

/** The list's filter by second factor: everyone, or only those with (true) or without (false) one. */
const SECOND_FACTOR_FILTERS = { all: null, with: true, without: false } as const;
type SecondFactorFilter = keyof typeof SECOND_FACTOR_FILTERS;

export function UsersSection(props: { viewer: Actor }) {
  const { viewer } = props;
  const utils = api.useUtils();
  const [query, setQuery] = useState("");
  const [secondFactor, setSecondFactor] = useState<SecondFactorFilter>("all");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  // Toggles show the new value at once; a refusal puts the old one back.
  const [optimistic, setOptimistic] = useState<Record<string, boolean>>({});
  const forget = (key: string) =>
    setOptimistic((o) => {
      const { [key]: _dropped, ...rest } = o;
      return rest;
    });
  // The last switch flipped; when granting admin needs a fresh proof, the
  // same change is asked for again with the password (proof).
  const asked = useRef<{ user: ListedUser; flag: FlagName; value: boolean } | null>(null);
  const [proof, setProof] = useState<{ user: ListedUser; flag: FlagName; value: boolean; error: string | null } | null>(null);
  const cursor = cursors.at(-1) ?? null;
  const list = api.admin.listUsers.useQuery({
    query: query || null,
    secondFactor: SECOND_FACTOR_FILTERS[secondFactor],
    cursor,
    limit: PAGE_SIZE,
  });
  const setFlags = api.admin.setFlags.useMutation({
    onSuccess: async () => {
      setProof(null);
      setNotice({ tone: "success", text: "Saved." });
      await Promise.all([utils.admin.listUsers.invalidate(), utils.admin.auditLog.invalidate()]);
    },
    onError: (error, input) => {
      if (appCodeOf(error) === "REAUTHENTICATION_REQUIRED" && asked.current) setProof({ ...asked.current, error: null });
      else if (input.password !== undefined) setProof((p) => p && { ...p, error: messageOf(error) });
      else setNotice({ tone: "error", text: messageOf(error) });
    },
    // After the list has been refetched (or the change refused), the server's value shows again.
    onSettled: (_data, _error, input) => {
      for (const flag of FLAG_NAMES) if (input[flag] != null) forget(`${input.userId}:${flag}`);
    },
  });

  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setQuery(String(new FormData(event.currentTarget).get("query") ?? "").trim());
    setCursors([null]);
  }

  function toggle(user: ListedUser, flag: FlagName, value: boolean, password?: string) {
    setNotice(null);
    if (password === undefined) setProof(null);
    asked.current = { user, flag, value };
    setOptimistic((o) => ({ ...o, [`${user.id}:${flag}`]: value }));
    setFlags.mutate({ userId: user.id, [flag]: value, password });
  }

  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading" className="visually-hidden">
        Users
      </h2>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the search landmark; React's types have no <search> element */}
      <form className="search" role="search" onSubmit={onSearch}>
        <label htmlFor="user-search" className="visually-hidden">
          Search users by name or email
        </label>
        <input id="user-search" name="query" type="search" placeholder="Search by name or email" defaultValue={query} />
        <SubmitButton className="button">Search</SubmitButton>
      </form>
      {may(viewer, "viewSecondFactors") ? (
        <div className={styles.filter}>
          <label htmlFor="second-factor-filter">Two-step verification</label>
          <select
            id="second-factor-filter"
            value={secondFactor}
            onChange={(e) => {
              setSecondFactor(e.currentTarget.value as SecondFactorFilter);
              setCursors([null]);
            }}
          >
            <option value="all">All users</option>
            <option value="with">Set up</option>
            <option value="without">Not set up</option>
          </select>
        </div>
      ) : null}
      {notice ? <Alert tone={notice.tone}>{notice.text}</Alert> : null}
      {list.error ? (
        <Alert>
          {messageOf(list.error)}
          {appCodeOf(list.error) === "SECOND_FACTOR_REQUIRED" ? (
            <>
              {" "}
              <Link href="/account">Set up two-step verification on your account page.</Link>
            </>
          ) : null}
        </Alert>
      ) : null}
      {list.isPending ? <p role="status">Loading users…</p> : null}
      {list.data && list.data.items.length === 0 ? <p className="empty">No users match.</p> : null}
      <ul className="user-list" aria-label="Users">
        {list.data?.items.map((user) => (
          <li key={user.id} className="user-row" aria-label={user.name}>
            <div className="user-id">
              <strong>{user.name}</strong>
              <span className="muted">{user.email}</span>
              {!user.emailVerified ? <span className="badge muted">unconfirmed</span> : null}
              {user.id === viewer.id ? <span className="badge muted">you</span> : null}
              {user.secondFactor === null ? null : user.secondFactor ? (
                <span className="badge state-active">two-step on</span>
              ) : (
                <span className="badge muted">no two-step</span>
              )}
            </div>
            <div className="flag-toggles">
              {FLAG_NAMES.map((flag) => {
                // What the switch would set: the rules may depend on the value.
                const reason = flagDecisionReason(viewer, user, flag, !user[flag]);
                const id = `flag-${user.id}-${flag}`;
                return (
                  <div className={reason ? "flag-toggle disabled" : "flag-toggle"} key={flag}>
                    <input
                      id={id}
                      type="checkbox"
                      role="switch"
                      aria-checked={optimistic[`${user.id}:${flag}`] ?? user[flag]}
                      checked={optimistic[`${user.id}:${flag}`] ?? user[flag]}
                      disabled={!!reason || `${user.id}:${flag}` in optimistic}
                      aria-describedby={reason ? `${id}-why` : undefined}
                      onChange={(e) => toggle(user, flag, e.currentTarget.checked)}
                    />
                    <label htmlFor={id}>
                      {FLAG_LABELS[flag]}
                      <span className="visually-hidden"> for {user.name}</span>
                    </label>
                    {reason ? (
                      <span className="why" id={`${id}-why`}>
                        {reason}
                      </span>
                    ) : null}
                  </div>
                );
              })}
            </div>
            {may(viewer, "deleteUsers") ? (
              <button
                type="button"
                className="button secondary small"
                aria-expanded={selected === user.id}
                onClick={() => setSelected(selected === user.id ? null : user.id)}
              >
                Manage<span className="visually-hidden"> {user.name}</span>
              </button>
            ) : null}
            {proof?.user.id === user.id ? (
              <ConfirmItsYou
                what={proof.flag === "admin" ? `give ${user.name} admin rights` : `change ${FLAG_LABELS[proof.flag]} for ${user.name}`}
                submitLabel={proof.flag === "admin" ? "Give admin rights" : "Save"}
                busy={setFlags.isPending}
                error={proof.error}
                onConfirm={(password) => toggle(proof.user, proof.flag, proof.value, password)}
                onCancel={() => setProof(null)}
              />
            ) : null}
            {selected === user.id ? (
              <UserPanel
                user={user}
                self={user.id === viewer.id}
                showEvents={may(viewer, "viewSecurityEvents")}
                canReset={may(viewer, "resetSecondFactors")}
                onDone={() => setSelected(null)}
                onNotice={(text) => setNotice({ tone: "success", text })}
              />
            ) : null}
          </li>
        ))}
      </ul>
      <nav className="pager" aria-label="Pages">
        <button type="button" className="button secondary" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button
          type="button"
          className="button secondary"
          disabled={!list.data?.nextCursor}
          onClick={() => list.data?.nextCursor && setCursors((c) => [...c, list.data!.nextCursor])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
