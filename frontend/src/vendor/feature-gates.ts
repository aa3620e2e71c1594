// Stand-in for @atlaskit/feature-gate-js-client/feature-gates. Atlaskit
// components ask Atlassian's feature-gate service whether experimental
// behaviour is on; outside Atlassian's own products no gate is ever
// initialised and every answer is "off". Answering that directly keeps
// the gate client and its analytics SDK (about 60 KB gzipped) out of the
// pages without changing how any component behaves.

const FeatureGates = {
  checkGate: (_name: string): boolean => false,
  getExperimentValue: <T>(_experiment: string, _parameter: string, defaultValue: T): T => defaultValue,
  hasCheckGateErrorOccurred: (): boolean => false,
  hasGetExperimentValueErrorOccurred: (): boolean => false,
  getDefaultPerimeter: (): string => 'commercial',
  initializeCompleted: (): boolean => false,
};

export default FeatureGates;
