// Live total of the budget step while typing. Progressive enhancement only: the server
// computes and checks the real total on save. Amounts are BigInt cents, never floats.
(function () {
  "use strict";
  var form = document.querySelector("form[data-budget]");
  var totalOutput = document.getElementById("budget-total");
  if (!form || !totalOutput || typeof BigInt === "undefined") return;
  var AMOUNT = /^([0-9]{1,12})(?:[.,]([0-9]{1,2}))?$/;
  var QUANTITY = /^[0-9]{1,6}$/;
  var format = new Intl.NumberFormat(document.documentElement.lang || "lv", { style: "currency", currency: "EUR", useGrouping: "always" });

  function cents(text) {
    var match = AMOUNT.exec(text.trim());
    if (!match) return null;
    return BigInt(match[1]) * 100n + BigInt((match[2] || "0").padEnd(2, "0"));
  }

  function show(value) {
    var rest = String(value % 100n).padStart(2, "0");
    return format.format(String(value / 100n) + "." + rest); // a decimal string, formatted exactly
  }

  function update() {
    var total = 0n;
    form.querySelectorAll("tr[data-line]").forEach(function (row) {
      var quantity = row.querySelector('input[name$=".quantity"]').value.trim() || "1";
      var unit = cents(row.querySelector('input[name$=".unit_cost"]').value);
      var output = row.querySelector("output.amount");
      if (unit !== null && QUANTITY.test(quantity)) {
        var amount = BigInt(quantity) * unit;
        total += amount;
        output.textContent = show(amount);
      } else {
        output.textContent = "";
      }
    });
    totalOutput.textContent = show(total);
  }

  form.addEventListener("input", update);
})();
