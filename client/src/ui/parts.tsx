/** Small pieces shared by several screens. */
import type { ReactNode } from 'react';
import type { Project } from '../../../shared/api/responses';
import type { ProjectRole } from '../../../shared/authz';
import { Link, paths } from '../router';
import { initials, personColour } from '../session';

const roleLabels: Record<ProjectRole, string> = {
  owner: 'Owner',
  adjudicator: 'Adjudicator',
  coder: 'Coder',
  viewer: 'Viewer',
};

export function roleLabel(role: ProjectRole): string {
  return roleLabels[role];
}

export function RoleBadge({ role }: { role: ProjectRole }) {
  return <span className={`badge badge-role-${role}`}>{roleLabels[role]}</span>;
}

export function Avatar({ userId, name, size = 'normal' }: { userId: string; name: string; size?: 'normal' | 'small' }) {
  return (
    <span className={`avatar avatar-${size}`} style={{ background: personColour(userId) }} title={name} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

export type ProjectTab = 'transcripts' | 'codebook' | 'agreement' | 'settings';

/**
 * A row of links to the parts of one place, the current one marked for assistive technology.
 * `tabs` looks like the project's main sections; `subtabs`, the smaller row of a section's parts.
 */
export function SectionTabs<Id extends string>({
  label,
  tabs,
  current,
  look,
}: {
  label: string;
  tabs: readonly { id: Id; label: string; href: string }[];
  current: Id;
  look: 'tabs' | 'subtabs';
}) {
  return (
    <nav className={look} aria-label={label}>
      {tabs.map((item) => (
        <Link key={item.id} href={item.href} className={look === 'tabs' ? 'tab' : 'subtab'} aria-current={item.id === current ? 'page' : undefined}>
          {item.label}
        </Link>
      ))}
    </nav>
  );
}

/** The project's title row and its sections. */
export function ProjectHeader({ project, tab, actions }: { project: Project; tab: ProjectTab; actions?: ReactNode }) {
  const tabs: { id: ProjectTab; label: string; href: string }[] = [
    { id: 'transcripts', label: 'Transcripts', href: paths.project(project.id) },
    { id: 'codebook', label: 'Codebook', href: paths.codebook(project.id) },
    { id: 'agreement', label: 'Agreement', href: paths.agreement(project.id) },
    { id: 'settings', label: 'Members & settings', href: paths.settings(project.id) },
  ];
  return (
    <div className="project-header">
      <div className="page-title">
        <div>
          <p className="eyebrow">
            <Link href={paths.projects()}>Projects</Link>
          </p>
          <h1>{project.name}</h1>
          <p className="project-meta">
            <RoleBadge role={project.role} />
            {project.blind ? (
              <span className="badge badge-blind">Blind coding on</span>
            ) : (
              <span className="badge badge-open">Codings shared</span>
            )}
          </p>
        </div>
        {actions}
      </div>
      <SectionTabs label="Project sections" tabs={tabs} current={tab} look="tabs" />
    </div>
  );
}

export function LoadError({ message }: { message: string }) {
  return (
    <main className="page narrow">
      <div className="empty-state">
        <h1>Cannot open this page</h1>
        <p>{message}</p>
        <p>
          <Link href={paths.projects()}>Back to your projects</Link>
        </p>
      </div>
    </main>
  );
}
