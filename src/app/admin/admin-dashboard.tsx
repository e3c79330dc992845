"use client";
import { useState } from "react";
import { type Actor, may, ROLE_LABELS, roleOf } from "@/shared/permissions";
import type { TeacherTokenLimits } from "@/shared/policy";
import { AuditLogSection } from "./audit-log-section";
import { TeacherTokensSection } from "./teacher-tokens-section";
import { UsersSection } from "./users-section";

type Tab = "users" | "tokens" | "audit";

export function AdminDashboard(props: { viewer: Actor & { name: string }; tokenLimits: TeacherTokenLimits }) {
  const { viewer } = props;
  const [tab, setTab] = useState<Tab>("users");
  const tabs: { id: Tab; label: string; shown: boolean }[] = [
    { id: "users", label: "Users", shown: may(viewer, "viewUsers") },
    { id: "tokens", label: "Teacher tokens", shown: may(viewer, "manageTeacherTokens") },
    { id: "audit", label: "Audit log", shown: may(viewer, "viewAuditLog") },
  ];
  return (
    <div className="dashboard">
      <div className="dashboard-head">
        <div>
          <h1>Admin dashboard</h1>
          <p className="lead">
            Signed in as {viewer.name} · {ROLE_LABELS[roleOf(viewer)]}
          </p>
        </div>
        <a className="button secondary" href="/account">
          Your account
        </a>
      </div>
      <div className="tabs" role="tablist" aria-label="Dashboard sections">
        {tabs
          .filter((t) => t.shown)
          .map((t) => (
            <button
              key={t.id}
              role="tab"
              type="button"
              id={`tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`panel-${t.id}`}
              className={tab === t.id ? "tab active" : "tab"}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === "users" ? <UsersSection viewer={viewer} /> : null}
        {tab === "tokens" ? <TeacherTokensSection limits={props.tokenLimits} /> : null}
        {tab === "audit" ? <AuditLogSection /> : null}
      </div>
    </div>
  );
}
