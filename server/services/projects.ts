/** Projects, their settings and their members (SPEC A2, A3). */
import { randomUUID } from 'node:crypto';
import type { AddedMember, Members, Project } from '../../shared/api/responses';
import type { ProjectRole } from '../../shared/authz';
import { conflict, notFound } from '../errors';
import type { ProjectRecord, UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { ServiceContext } from './context';

export class ProjectService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
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
