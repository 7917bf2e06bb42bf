/**
 * The Agreement tab's three parts: the report, the calibration rounds with their history, and
 * reconciling disagreements into the consensus layer.
 */
import { Link, paths } from '../../router';

export type AgreementSection = 'report' | 'rounds' | 'reconcile';

export function AgreementSections({ projectId, current }: { projectId: string; current: AgreementSection }) {
  const sections: { id: AgreementSection; label: string; href: string }[] = [
    {
      id: 'report',
      label: 'Agreement report',
      href: paths.agreement(projectId),
    },
    {
      id: 'rounds',
      label: 'Calibration rounds',
      href: paths.rounds(projectId),
    },
    { id: 'reconcile', label: 'Reconcile', href: paths.reconcile(projectId) },
  ];
  return (
    <nav className="subtabs" aria-label="Agreement sections">
      {sections.map((section) => (
        <Link key={section.id} href={section.href} className="subtab" aria-current={section.id === current ? 'page' : undefined}>
          {section.label}
        </Link>
      ))}
    </nav>
  );
}
