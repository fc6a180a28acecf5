// The native `kerberos` addon must be loaded once per process. Jest gives each test file
// its own module registry and VM context, so a second test file in the same worker would
// load the addon again, and its GSS calls then never call back (seen with kerberos 7.0.0
// under Jest 30). This environment loads it once, outside the per-file registry, and the
// `moduleNameMapper` entry for 'kerberos' hands that one copy to every file.
const { TestEnvironment } = require('jest-environment-node');
const kerberos = require('kerberos');

class RealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__axiosKerberosNative = kerberos;
    // Jest gives tests a copy of process.env; GSS reads the real environment (KRB5CCNAME,
    // KRB5_CONFIG) with getenv(). Tests that switch caches or configs set it through this.
    this.global.__setRealEnv = (name, value) => {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    };
    // Node emits process warnings on the real process, not on the copy tests see.
    this.global.__onRealProcessWarning = (listener) => {
      process.on('warning', listener);
      return () => process.off('warning', listener);
    };
  }
}

module.exports = RealmEnvironment;
