// The frame of a module's sub-pages (feedback, analytics, assign): loads the module, gives the
// page its <h1> ("<Page name>: <module title>"), the status and the module's tabs.
import type { ReactNode } from "react";
import { useParams } from "react-router-dom";
import type { Module } from "../api/client";
import { flowLabel } from "../components/format";
import { Page } from "../components/Page";
import { ErrorNotice, Loading } from "../components/Status";
import { ModuleNav, StatusBadge, useModule } from "./common";

export function ModuleShell({ name, children }: { name: string; children(module: Module): ReactNode }) {
  const { moduleId = "" } = useParams();
  const mod = useModule(moduleId);
  if (mod.isLoading) return <Loading label="Loading the module…" />;
  if (mod.error || !mod.data)
    return (
      <Page title={name}>
        <ErrorNotice error={mod.error} retry={() => void mod.refetch()} />
      </Page>
    );
  const m = mod.data;
  return (
    <Page title={`${name}: ${m.title}`}>
      <p className="studio-status">
        <StatusBadge status={m.status} /> <span className="badge">{flowLabel[m.flow_type]}</span>
      </p>
      <ModuleNav module={m} />
      {children(m)}
    </Page>
  );
}
