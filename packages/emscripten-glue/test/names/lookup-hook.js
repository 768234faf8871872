// Test hook (--pre-js for names tests): Module.rawsock.lookup answers names
// from RAWSOCK_TEST_NAMES ("name=address,name=address") asynchronously, as a
// DNS answer arrives, and rejects every other name. getaddrinfo cannot know
// these names synchronously (they are in no hosts file), so a connect to
// them exercises the placeholder → real address path with no network.
// RAWSOCK_TEST_HOSTS names a hosts file to read instead of /etc/hosts.
(function () {
  var env = typeof process !== 'undefined' && process.env ? process.env : typeof Deno !== 'undefined' ? Deno.env.toObject() : {};
  var table = {};
  String(env.RAWSOCK_TEST_NAMES || '').split(',').forEach(function (pair) {
    var i = pair.indexOf('=');
    if (i > 0) table[pair.slice(0, i)] = pair.slice(i + 1);
  });
  Module['rawsock'] = Object.assign({}, Module['rawsock'] || {}, env.RAWSOCK_TEST_HOSTS ? { nameFiles: { hosts: env.RAWSOCK_TEST_HOSTS } } : {}, {
    lookup: function (name, family) {
      return new Promise(function (resolve, reject) {
        setTimeout(function () {
          var address = table[name];
          // Unknown names reject as the providers' lookups do: Linux errno ENOENT.
          if (!address) reject(Object.assign(new Error('ENOTFOUND ' + name), { errno: 2, code: 'ENOENT' }));
          else resolve([{ family: address.indexOf(':') >= 0 ? 'ipv6' : 'ipv4', address: address }]);
        }, 20);
      });
    },
  });
})();
