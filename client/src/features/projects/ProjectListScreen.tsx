import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import { Link, navigate, paths } from '../../router';
import { RoleBadge } from '../../ui/parts';

export function ProjectListScreen() {
  const projects = useAsync(() => api.projects(), []);
  const [name, setName] = useState('');
  const [blind, setBlind] = useState(true);
  const [error, setError] = useState<string | null>(null);

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
          {projects.data?.length === 0 && (
            <div className="empty-state">
              <h3>No projects yet</h3>
              <p>Create one on the right, or ask a project owner to invite you.</p>
            </div>
          )}
          <ul className="project-list">
            {projects.data?.map((project) => (
              <li key={project.id}>
                <Link href={paths.project(project.id)} className="card project-card">
                  <span className="project-name">{project.name}</span>
                  <span className="project-meta">
                    <RoleBadge role={project.role} />
                    {project.blind && <span className="badge badge-blind">Blind coding</span>}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
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
      </div>
    </main>
  );
}
