// PMML 4.4 export of trained models (https://dmg.org/pmml/v4-4-1/GeneralStructure.html).
export { exportLogisticToPmml, PmmlUnsupportedError, PMML_NAMESPACE, PMML_PROBABILITY_FIELD } from './logistic-pmml';
export type { PmmlExportMeta } from './logistic-pmml';
