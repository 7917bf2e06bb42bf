import { type FormEvent, useState } from 'react';
import type { Project } from '../../../../shared/api/responses';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import { Link, navigate, paths } from '../../router';
import { type Feedback, FeedbackLine, failureText } from '../../ui/feedback';
import { RoleBadge, roleLabel } from '../../ui/parts';
import { ProjectImport } from './ProjectImport';

export function ProjectListScreen() {
  const projects = useAsync(() => api.projects(), []);
  const [name, setName] = useState('');
  const [blind, setBlind] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const [feedback, setFeedback] = useState<Feedback>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const project = await api.createProject({ name, blind });
      navigate(paths.project(project.id));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  return (
    <main className="page">
      <div className="page-title">
        <h1>Your projects</h1>
      </div>
      <div className="two-columns">
        <section aria-labelledby="project-list-title">
          <h2 id="project-list-title" className="visually-hidden">
            Projects
          </h2>
          {projects.loading && !projects.data && <p className="muted">Loading projects…</p>}
          {projects.error && <p className="form-error">{projects.error.message}</p>}
          <FeedbackLine feedback={feedback} />
          {projects.data?.length === 0 && (
            <div className="empty-state">
              <h3>No projects yet</h3>
              <p>Create one on the right, or ask a project owner to invite you.</p>
            </div>
          )}
          <ul className="project-list">
            {projects.data?.map((project) => (
              <li key={project.id} className={project.addedBy ? 'project-item has-notice' : 'project-item'}>
                <Link href={paths.project(project.id)} className="card project-card">
                  <span className="project-name">{project.name}</span>
                  <span className="project-meta">
                    <RoleBadge role={project.role} />
                    {project.blind && <span className="badge badge-blind">Blind coding</span>}
                  </span>
                </Link>
                {project.addedBy && <AddedNotice project={project} onDone={projects.reload} onFeedback={setFeedback} />}
              </li>
            ))}
          </ul>
        </section>
        <div className="side-stack">
          <form className="card side-card" onSubmit={create} aria-labelledby="new-project-title">
          <h2 id="new-project-title">New project</h2>
          <label className="field">
            <span>Name</span>
            <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="e.g. GP leadership interviews" />
          </label>
          <label className="check">
            <input type="checkbox" checked={blind} onChange={(e) => setBlind(e.target.checked)} />
            <span>Start in blind mode (coders cannot see each other's codings until you turn it off)</span>
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button primary">
            Create project
          </button>
        </form>
      <ProjectImport onImported={projects.reload} />
        </div>
    </div>
    </main>
  );
}

/**
 * Being added to a project is shown until the person says OK or leaves (SPEC A8), so nobody ends
 * up in a project, and its data, without knowing who put them there.
 */
function AddedNotice({ project, onDone, onFeedback }: { project: Project; onDone: () => void; onFeedback: (feedback: Feedback) => void }) {
  const [busy, setBusy] = useState(false);
  if (!project.addedBy) return null;
  const act = async (action: () => Promise<void>, success: string) => {
    setBusy(true);
    onFeedback(null);
    try {
      await action();
      onFeedback({ tone: 'ok', text: success });
      onDone();
    } catch (caught) {
      onFeedback({
        tone: 'error',
        text: `${project.name}: ${failureText(caught)}`,
      });
      setBusy(false);
    }
  };
  return (
    <div className="added-notice" role="note" aria-label={`You were added to ${project.name}`}>
      <span>
        Added by <strong>{project.addedBy.name}</strong> ({project.addedBy.email}) as {roleLabel(project.role).toLowerCase()}.
      </span>
      <span className="added-actions">
        <button
          type="button"
          className="button small"
          disabled={busy}
          onClick={() => void act(() => api.acknowledgeMembership(project.id), `You stay in ${project.name}.`)}
        >
          OK
        </button>
        <button
          type="button"
          className="button small ghost danger"
          disabled={busy}
          aria-label={`Leave ${project.name}`}
          onClick={() => void act(() => api.leaveProject(project.id), `You left ${project.name}.`)}
        >
          Leave
        </button>
      </span>
    </div>
  );
}
