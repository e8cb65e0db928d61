/* Contact request form: shows the role only to a condominium and the kind of professional and
 * company only to a professional, once "Vous êtes" is answered. Without JavaScript every field
 * is shown, with its hint ("Obligatoire pour une copropriété", "Pour les professionnels
 * uniquement"), and the server ignores those that do not apply. A field with an error is always
 * shown. */
(function () {
  "use strict";

  var form = document.getElementById("formulaire-demande");
  if (!form) return;
  var fieldsOf = {
    condominium: ["id_requester_role"],
    professional: ["id_professional_kind", "id_company_name"],
  };

  function update() {
    var checked = form.querySelector('input[name="structure"]:checked');
    var structure = checked ? checked.value : "";
    Object.keys(fieldsOf).forEach(function (applies) {
      fieldsOf[applies].forEach(function (id) {
        var field = document.getElementById(id);
        var group = field && field.closest(".fr-select-group, .fr-input-group");
        if (!group) return;
        var hasError = /-group--error\b/.test(group.className);
        group.hidden = structure !== applies && !hasError;
      });
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "structure") update();
  });
  update();
})();
