/**
 * The Agreement tab's three parts: the report, the calibration rounds with their history, and
 * reconciling disagreements into the consensus layer.
 */
import { paths } from '../../router';
import { SectionTabs } from '../../ui/parts';

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
  return <SectionTabs label="Agreement sections" tabs={sections} current={current} look="subtabs" />;
}
