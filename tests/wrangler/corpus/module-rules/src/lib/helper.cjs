module.exports = { name: "helper" };
