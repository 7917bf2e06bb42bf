/**
 * Projects, their settings and their members (SPEC A2, A3), and deleting a finished project with
 * everything in it (E4).
 */
import { randomUUID } from 'node:crypto';
import type { AddedMember, Members, Project } from '../../shared/api/responses';
import type { ProjectRole } from '../../shared/authz';
import { conflict, invalid, notFound } from '../errors';
import type { ProjectRecord, UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { CodebookHistoryService } from './codebookHistory';
import type { ServiceContext } from './context';
import { isPlaceholderEmail } from './placeholderAccounts';

export class ProjectService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
    private readonly codebookHistory: CodebookHistoryService,
  ) {}

  private get store() {
    return this.context.store;
  }

  async create(actor: UserRecord, input: { name: string; blind?: boolean }): Promise<Project> {
    const project: ProjectRecord = {
      id: randomUUID(),
      name: input.name.trim(),
      // Blind by default: calibration must not depend on someone remembering to switch it on.
      blind: input.blind ?? true,
      createdAt: new Date().toISOString(),
      createdBy: actor.id,
    };
    await this.store.createProject(project);
    await this.store.setMember(project.id, actor.id, 'owner');
    return { ...project, role: 'owner' };
  }

  async list(actor: UserRecord): Promise<Project[]> {
    return this.store.listProjectsForUser(actor.id);
  }

  async get(actor: UserRecord, projectId: string): Promise<Project> {
    const { project, role } = await this.access.membership(actor, projectId);
    return { ...project, role };
  }

  async update(actor: UserRecord, projectId: string, patch: { name?: string; blind?: boolean }): Promise<Project> {
    await this.access.authorize(actor, projectId, 'project-settings', 'write');
    await this.store.updateProject(projectId, { ...patch, name: patch.name?.trim() });
    if (patch.blind !== undefined) await this.context.accessChanged(projectId);
    return this.get(actor, projectId);
  }

  /**
   * Erases the project (its owners only, who type its name to confirm): every transcript with its
   * layers and consensus, the codebook, rounds with their frozen copies, memberships, invitations,
   * codebook versions and the pseudonym mapping. The placeholder accounts an import made for its
   * coders go too, unless they are members elsewhere. Documents go before the records, so a failed
   * erase leaves the project there to be deleted again.
   */
  async delete(actor: UserRecord, projectId: string, input: { confirmName: string }): Promise<void> {
    const { project } = await this.access.authorize(actor, projectId, 'project-settings', 'delete');
    if (input.confirmName !== project.name)
      throw invalid(`confirmName: type the project's name exactly as it is, "${project.name}", to delete it`, 'name_mismatch');
    const members = await this.store.listMembers(projectId);
    const documentIds = (await this.store.listDocuments(projectId)).map((document) => document.id);
    await this.context.eraseDocuments({ documentIds, projectIds: [projectId] });
    // Websocket edits of the codebook still waiting to become a version are recorded now, while the
    // project exists (their timer would fire after it is gone); the version goes with the records.
    await this.codebookHistory.flush(projectId);
    const deleted = await this.store.deleteProject(projectId);
    // A transcript added while the others were erased went with the records; its documents go now.
    const late = deleted.filter((id) => !documentIds.includes(id));
    if (late.length > 0) await this.context.eraseDocuments({ documentIds: late, projectIds: [] });
    for (const member of members) {
      if (!isPlaceholderEmail(member.email)) continue;
      if ((await this.store.listProjectsForUser(member.userId)).length === 0) await this.store.deleteUser(member.userId);
    }
  }

  async listMembers(actor: UserRecord, projectId: string): Promise<Members> {
    await this.access.authorize(actor, projectId, 'members', 'read');
    return { members: await this.store.listMembers(projectId), invitations: await this.store.listInvitations(projectId) };
  }

  /**
   * Adds an existing account (who then sees a notice of the project and may leave it), or records
   * an invitation that registration with that email accepts. The answer is the same either way, so
   * adding someone does not tell whether the email has an account (SPEC A8).
   */
  async addMember(actor: UserRecord, projectId: string, input: { email: string; role: ProjectRole }): Promise<AddedMember> {
    await this.access.authorize(actor, projectId, 'members', 'write');
    const email = input.email.trim().toLowerCase();
    const user = await this.store.getUserByEmail(email);
    if (user && (await this.store.getRole(projectId, user.id))) throw conflict(`${email} is already a member`, 'already_member');
    if (user) await this.store.setMember(projectId, user.id, input.role, actor.id);
    else await this.store.createInvitation({ projectId, email, role: input.role, createdAt: new Date().toISOString() });
    return { invited: true, email, role: input.role };
  }

  /** The member has seen the notice that someone added them. */
  async acknowledge(actor: UserRecord, projectId: string): Promise<void> {
    await this.access.membership(actor, projectId);
    await this.store.acknowledgeMembership(projectId, actor.id);
  }

  /** Leaves a project (any role; the last owner must hand over first). */
  async leave(actor: UserRecord, projectId: string): Promise<void> {
    const { role } = await this.access.membership(actor, projectId);
    if (role === 'owner') await this.assertAnotherOwner(projectId, actor.id);
    await this.store.removeMember(projectId, actor.id);
    await this.context.accessChanged(projectId);
  }

  async updateMember(actor: UserRecord, projectId: string, userId: string, role: ProjectRole): Promise<{ userId: string; role: ProjectRole }> {
    await this.access.authorize(actor, projectId, 'members', 'write');
    const current = await this.requireMember(projectId, userId);
    if (current === 'owner' && role !== 'owner') await this.assertAnotherOwner(projectId, userId);
    await this.store.setMember(projectId, userId, role);
    await this.context.accessChanged(projectId);
    return { userId, role };
  }

  async removeMember(actor: UserRecord, projectId: string, userId: string): Promise<void> {
    await this.access.authorize(actor, projectId, 'members', 'write');
    if ((await this.requireMember(projectId, userId)) === 'owner') await this.assertAnotherOwner(projectId, userId);
    await this.store.removeMember(projectId, userId);
    await this.context.accessChanged(projectId);
  }

  private async requireMember(projectId: string, userId: string): Promise<ProjectRole> {
    const role = await this.store.getRole(projectId, userId);
    if (!role) throw notFound(`user ${userId} is not a member of this project`);
    return role;
  }

  private async assertAnotherOwner(projectId: string, leavingUserId: string) {
    const owners = (await this.store.listMembers(projectId)).filter((member) => member.role === 'owner');
    if (owners.every((owner) => owner.userId === leavingUserId))
      throw conflict('a project needs at least one owner; make someone else owner first', 'last_owner');
  }
}
