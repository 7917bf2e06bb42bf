import { type FormEvent, useState } from 'react';
import { decide, type ProjectRole, projectRoles } from '../../../../shared/authz';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import { navigate, paths } from '../../router';
import { useSession } from '../../session';
import { Avatar, LoadError, ProjectHeader, RoleBadge, roleLabel } from '../../ui/parts';
import { DeletionDialog } from '../projects/DeletionDialog';

const roleExplanations: Record<ProjectRole, string> = {
  owner: 'manages members and settings, imports and corrects transcripts, edits the codebook',
  adjudicator: 'edits the codebook, sees every layer, writes the consensus layer',
  coder: 'codes in their own layer',
  viewer: 'reads transcripts and codings, changes nothing',
};

export function SettingsScreen({ projectId }: { projectId: string }) {
  const { user } = useSession();
  const data = useAsync(async () => {
    const [project, members] = await Promise.all([api.project(projectId), api.members(projectId)]);
    return { project, ...members };
  }, [projectId]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('coder');
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [deleting, setDeleting] = useState(false);

  if (data.error) return <LoadError message={data.error.message} />;
  if (!data.data) return <main className="page muted">Loading members…</main>;
  const { project, members, invitations } = data.data;
  const isOwner = decide({ role: project.role, resource: 'members', operation: 'write', blind: project.blind }).allowed;
  const canDeleteProject = decide({ role: project.role, resource: 'project-settings', operation: 'delete', blind: project.blind }).allowed;

  const run = async (action: () => Promise<unknown>, success: string) => {
    setMessage(null);
    try {
      await action();
      setMessage({ tone: 'ok', text: success });
      data.reload();
    } catch (caught) {
      setMessage({ tone: 'error', text: caught instanceof Error ? caught.message : String(caught) });
    }
  };

  const invite = (event: FormEvent) => {
    event.preventDefault();
    // The answer is the same whether or not the email has an account (SPEC A8), so the words are too.
    void run(async () => {
      const result = await api.addMember(projectId, { email, role });
      setEmail('');
      return result;
    }, `${email} can now join as ${roleLabel(role).toLowerCase()}: if they have an account they see the project at once, otherwise they join when they register with this email.`);
  };

  const leave = async () => {
    if (!window.confirm(`Leave “${project.name}”? You lose access at once; your codings stay in the project.`)) return;
    setMessage(null);
    try {
      await api.leaveProject(projectId);
      navigate(paths.projects());
    } catch (caught) {
      setMessage({ tone: 'error', text: `You cannot leave yet: ${caught instanceof Error ? caught.message : String(caught)}` });
    }
  };

  return (
    <main className="page">
      <ProjectHeader project={project} tab="settings" />
      {message && (
        <p className={message.tone === 'ok' ? 'banner banner-info' : 'banner banner-error'} role={message.tone === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <div className="two-columns">
        <section className="card" aria-labelledby="members-title">
          <h2 id="members-title">Members</h2>
          <ul className="member-list">
            {members.map((member) => (
              <li key={member.userId} className="member-row">
                <Avatar userId={member.userId} name={member.name} />
                <span className="member-name">
                  <span>
                    {member.name}
                    {member.userId === user.id && <span className="muted"> (you)</span>}
                  </span>
                  <span className="muted small member-email">{member.email}</span>
                </span>
                {isOwner ? (
                  <>
                    <select
                      aria-label={`Role of ${member.name}`}
                      value={member.role}
                      onChange={(event) => void run(() => api.updateMember(projectId, member.userId, { role: event.target.value as ProjectRole }), `${member.name} is now ${roleLabel(event.target.value as ProjectRole).toLowerCase()}.`)}
                    >
                      {projectRoles.map((candidate) => (
                        <option key={candidate} value={candidate}>
                          {roleLabel(candidate)}
                        </option>
                      ))}
                    </select>
                    <button
                      type="button"
                      className="button ghost small danger"
                      aria-label={`Remove ${member.name} from the project`}
                      onClick={() => void run(() => api.removeMember(projectId, member.userId), `${member.name} was removed.`)}
                    >
                      Remove
                    </button>
                  </>
                ) : (
                  <RoleBadge role={member.role} />
                )}
              </li>
            ))}
          </ul>
          {invitations.length > 0 && (
            <>
              <h3>Pending invitations</h3>
              <ul className="member-list">
                {invitations.map((invitation) => (
                  <li key={invitation.email} className="member-row">
                    <span className="avatar avatar-normal pending-avatar" aria-hidden="true">
                      ?
                    </span>
                    <span className="member-name">
                      {invitation.email}
                      <span className="muted small member-email">has not registered yet</span>
                    </span>
                    <RoleBadge role={invitation.role} />
                  </li>
                ))}
              </ul>
            </>
          )}
          {isOwner && (
            <form className="invite-form" onSubmit={invite}>
              <h3>Invite by email</h3>
              <div className="field-row">
                <label className="field grow">
                  <span>Email</span>
                  <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} required />
                </label>
                <label className="field">
                  <span>Role</span>
                  <select value={role} onChange={(event) => setRole(event.target.value as ProjectRole)}>
                    {projectRoles.map((candidate) => (
                      <option key={candidate} value={candidate}>
                        {roleLabel(candidate)}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit" className="button primary align-end">
                  Invite
                </button>
              </div>
              <p className="hint">A {roleLabel(role).toLowerCase()} {roleExplanations[role]}.</p>
            </form>
          )}
        </section>
        <section className="card side-card" aria-labelledby="blind-title">
          <h2 id="blind-title">Blind coding</h2>
          <p>
            With blind mode <strong>on</strong>, each coder sees only their own codings. Other coders’ layers and the consensus stay hidden
            from coders and viewers, so that everyone codes independently and intercoder agreement is measured honestly. Owners and
            adjudicators still see every layer.
          </p>
          <p>
            Turn it <strong>off</strong> to compare, discuss and reconcile: everyone then sees every layer live. Coders who have a
            transcript open see the change when they reopen it.
          </p>
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              aria-checked={project.blind}
              checked={project.blind}
              disabled={!isOwner}
              onChange={(event) =>
                void run(() => api.updateProject(projectId, { blind: event.target.checked }), event.target.checked ? 'Blind mode is on.' : 'Blind mode is off: codings are shared.')
              }
            />
            <span>Blind mode {project.blind ? 'on' : 'off'}</span>
          </label>
          {!isOwner && <p className="hint">Only project owners change this.</p>}
          <h3>Leave this project</h3>
          <p>You lose access at once; the codings you made stay in the project. The last owner hands over to another owner first.</p>
          <button type="button" className="button danger ghost" onClick={() => void leave()}>
            Leave this project
          </button>
          {canDeleteProject && (
            <>
              <h3>Delete this project</h3>
              <p>When the study is finished: everything in the project is erased from the server, for every member.</p>
              <button type="button" className="button danger" onClick={() => setDeleting(true)}>
                Delete project…
              </button>
            </>
          )}
          <h3>Roles</h3>
          <dl className="role-list">
            {projectRoles.map((candidate) => (
              <div key={candidate}>
                <dt>{roleLabel(candidate)}</dt>
                <dd>{roleExplanations[candidate]}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
      {deleting && (
        <DeletionDialog
          title={`Delete “${project.name}”?`}
          confirmLabel="Delete project"
          typeToConfirm={project.name}
          onDelete={async () => {
            await api.deleteProject(projectId, { confirmName: project.name });
            navigate(paths.projects());
          }}
          onClose={() => setDeleting(false)}
        >
          <p>Deleting the project erases, for every member and from the server’s storage:</p>
          <ul>
            <li>every transcript, with every coder’s codings of it, the consensus codings and the reconciliation decisions;</li>
            <li>the codebook and its history of versions;</li>
            <li>the calibration rounds and the copies they kept;</li>
            <li>the members’ access, pending invitations and the pseudonym mapping.</li>
          </ul>
          <p>Members keep their accounts. Export what you need to keep first (Transcripts → Export).</p>
        </DeletionDialog>
      )}
    </main>
  );
}
