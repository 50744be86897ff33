import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { monitorSettings } from '../../cli/commands/monitor';

describe('mlcycle monitor, creating or updating the schedule', () => {
  it('shows every setting the schedule runs with, the defaults of flags left out included', () => {
    assert.equal(
      monitorSettings({ modelName: 'churn', retrain: true, retrainPolicy: { mode: 'original+labelled' } }),
      'retrain on drift with original+labelled data, cooldown 6h, at least 100 new labelled records; min rows 100; default drift settings',
    );
  });

  it('shows the flags given: cooldown, minimums, a retrain data file and the drift settings', () => {
    const line = monitorSettings({
      modelName: 'churn',
      retrain: true,
      retrainPolicy: { mode: 'dataUri', dataUri: '/data/new.csv' },
      cooldown: '12h',
      minRows: 500,
      config: { driftShare: 0.3 },
    });
    assert.equal(
      line,
      'retrain on drift with /data/new.csv, cooldown 12h; min rows 500; drift settings {"driftShare":0.3}',
    );
    assert.match(monitorSettings({ modelName: 'churn', retrain: false }), /^no retraining; /);
  });
});
